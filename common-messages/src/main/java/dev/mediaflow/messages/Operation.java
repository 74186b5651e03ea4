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
    DEPTH("depth", WorkerKind.VISION, "depth.png"),
    /**
     * The queue benchmark's job (issue 14, section 3): an image task that the worker completes without reading
     * the file, so that a job's cost is the pipeline's alone. Clients may ask for it only where a service turns
     * its benchmark switch on ({@code MEDIAFLOW_BENCH_NOOP}); everywhere else {@link #fromRequest} refuses it as
     * unknown. Messages always carry it, so that a job submitted under the switch completes anyway.
     */
    NOOP("noop", WorkerKind.IMAGE, "noop");

    /** The four operations of the contract: what a job gets when it names none. */
    private static final List<Operation> STANDARD = List.of(THUMBNAIL, BLUR, LOW_QUALITY, DEPTH);

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

    /** The four operations of the contract (thumbnail, blur, low-quality, depth), without the benchmark's. */
    public static List<Operation> standard() {
        return STANDARD;
    }

    /** Any operation a message or a stored row may name, {@link #NOOP} included. */
    public static Operation fromJson(String value) {
        for (Operation op : values()) {
            if (op.json.equals(value)) {
                return op;
            }
        }
        throw unknown(value);
    }

    /**
     * An operation a client asked for: {@link #NOOP} only when {@code benchNoop} (the service's benchmark switch),
     * else refused with the very message of any unknown name, so that nothing tells it exists.
     */
    public static Operation fromRequest(String value, boolean benchNoop) {
        Operation op = fromJson(value);
        if (op == NOOP && !benchNoop) {
            throw unknown(value);
        }
        return op;
    }

    private static IllegalArgumentException unknown(String value) {
        return new IllegalArgumentException("unknown operation '" + value
                + "' (expected thumbnail, blur, low-quality or depth)");
    }

    /** {@link #parseList(String, boolean)} of a stored list: {@link #NOOP} is read like any other. */
    public static List<Operation> parseList(String commaList) {
        return parseList(commaList, true);
    }

    /**
     * Parses a comma list such as {@code "thumbnail, blur"}; blank means the {@link #standard()} four. Order follows
     * the enum. {@code benchNoop}: whether {@link #NOOP} may be named (see {@link #fromRequest}).
     */
    public static List<Operation> parseList(String commaList, boolean benchNoop) {
        if (commaList == null || commaList.isBlank()) {
            return STANDARD;
        }
        Set<Operation> ops = EnumSet.noneOf(Operation.class);
        for (String part : commaList.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                ops.add(fromRequest(name, benchNoop));
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
