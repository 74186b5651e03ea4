package dev.mediaflow.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: how fast the whole pipeline is on this machine (run by scripts/bench-pipeline, Maven
 * profile "bench"). Uploads a batch of 12-megapixel JPEGs, waits for every job, and prints the
 * upload time, the time from upload to completed, and the throughput. Only loopback is used.
 */
@ExtendWith(StackExtension.class)
class PipelineBench {

    private static final int PHOTOS = Integer.getInteger("bench.photos", 20);

    @Test
    void uploadToCompleted(Stack stack) throws Exception {
        Path dir = Files.createTempDirectory("mediaflow-bench");
        Path photo = Media.jpeg(dir.resolve("photo.jpg"), 4000, 3000);
        ApiClient alice = stack.client("dev-alice-key");
        List<String> rows = new ArrayList<>();
        rows.add(row("operations", "photos", "MB each", "upload p50 ms", "done p50 ms", "done p95 ms", "photos/s"));
        for (String ops : List.of("thumbnail,blur,low-quality", "thumbnail,blur,low-quality,depth")) {
            rows.add(run(alice, photo, ops));
        }
        System.out.println();
        System.out.println("Pipeline on " + Runtime.getRuntime().availableProcessors() + " cores, 1 consumer per worker, "
                + "4000x3000 JPEG, depth model " + Stack.DEPTH_MODEL.substring(Stack.DEPTH_MODEL.lastIndexOf('/') + 1));
        rows.forEach(System.out::println);
    }

    private String run(ApiClient client, Path photo, String ops) throws Exception {
        List<Long> uploads = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Instant> sent = new ArrayList<>();
        Instant start = Instant.now();
        for (int i = 0; i < PHOTOS; i++) {
            Instant before = Instant.now();
            ApiClient.Response r = client.upload("bench-" + i + ".jpg", photo, Map.of("operations", ops));
            if (r.status() != 202) {
                throw new IllegalStateException("upload answered " + r.status() + ": " + r.text());
            }
            uploads.add(Duration.between(before, Instant.now()).toMillis());
            ids.add(r.json().get("queueId").asString());
            sent.add(before);
        }
        List<Long> done = new ArrayList<>();
        Instant last = start;
        for (int i = 0; i < ids.size(); i++) {
            JsonNode item = PipelineIT.awaitStatus(client, ids.get(i), "completed");
            Instant completed = Instant.parse(item.get("completed_at").asString());
            done.add(Duration.between(sent.get(i), completed).toMillis());
            last = completed.isAfter(last) ? completed : last;
        }
        double seconds = Duration.between(start, last).toMillis() / 1000.0;
        return row(ops, Integer.toString(PHOTOS), String.format(Locale.ROOT, "%.1f", java.nio.file.Files.size(photo) / 1e6),
                Long.toString(percentile(uploads, 50)), Long.toString(percentile(done, 50)),
                Long.toString(percentile(done, 95)), String.format(Locale.ROOT, "%.2f", PHOTOS / seconds));
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String row(String... cells) {
        return String.format(Locale.ROOT, "| %-34s | %6s | %7s | %13s | %11s | %11s | %8s |", (Object[]) cells);
    }
}
