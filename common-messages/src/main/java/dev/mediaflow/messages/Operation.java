package dev.mediaflow.messages;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One output a job can ask for. The name is also the variant's name in the API and on disk. */
public enum Operation {
    THUMBNAIL("thumbnail", WorkerKind.IMAGE, "thumbnail.webp"),
    BLUR("blur", WorkerKind.IMAGE, "blur.webp"),
    LOW_QUALITY("low-quality", WorkerKind.IMAGE, "low-quality.webp"),
    DEPTH("depth", WorkerKind.VISION, "depth.png");

    private final String json;
    private final WorkerKind worker;
    private final String fileName;

    Operation(String json, WorkerKind worker, String fileName) {
        this.json = json;
        this.worker = worker;
        this.fileName = fileName;
    }

    @JsonValue
    public String json() {
        return json;
    }

    public WorkerKind worker() {
        return worker;
    }

    public String fileName() {
        return fileName;
    }

    public String contentType() {
        return fileName.endsWith(".png") ? "image/png" : "image/webp";
    }

    public static Operation fromJson(String value) {
        for (Operation op : values()) {
            if (op.json.equals(value)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + value
                + "' (expected thumbnail, blur, low-quality or depth)");
    }

    /** Parses a comma list such as {@code "thumbnail, blur"}; blank means all four. Order follows the enum. */
    public static List<Operation> parseList(String commaList) {
        if (commaList == null || commaList.isBlank()) {
            return List.of(values());
        }
        Set<Operation> ops = EnumSet.noneOf(Operation.class);
        for (String part : commaList.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                ops.add(fromJson(name));
            }
        }
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("operations must name at least one of thumbnail, blur, low-quality, depth");
        }
        return new ArrayList<>(ops);
    }

    public static List<Operation> forWorker(List<Operation> ops, WorkerKind worker) {
        return ops.stream().filter(op -> op.worker == worker).toList();
    }

    public static Set<WorkerKind> workersFor(List<Operation> ops) {
        Set<WorkerKind> kinds = EnumSet.noneOf(WorkerKind.class);
        ops.forEach(op -> kinds.add(op.worker));
        return kinds;
    }
}
