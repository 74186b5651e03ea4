package dev.mediaflow.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15, file lifecycle, on the real stack: with {@code MEDIAFLOW_FILE_TTL} ({@link Stack#FILE_TTL}, a day) the
 * cleanup removes the originals and results of items whose jobs all ended longer ago, and from then on the API says
 * {@code expired}; a job still queued keeps its files whatever its age. A test makes its own items a day old by
 * moving their jobs' times back in PostgreSQL, so nothing another test made is ever old enough to go.
 */
@ExtendWith(StackExtension.class)
class FileLifecycleIT {

    private static final String OPS = "thumbnail,blur";

    @TempDir
    Path tmp;

    @Test
    void aCleanupRemovesExactlyTheFilesPastTheTtlAndTheApiThenSaysExpired(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        ApiClient admin = stack.client("dev-admin-key");
        Item old = upload(alice, "old.png", 800, 600);
        Item recent = upload(alice, "recent.png", 640, 480);
        PipelineIT.awaitStatus(alice, old.queueId, "completed");
        PipelineIT.awaitStatus(alice, recent.queueId, "completed");
        Item waiting;
        try {
            Workers.pause(admin);
            waiting = upload(alice, "waiting.png", 320, 240);
            PipelineIT.awaitStatus(alice, waiting.queueId, "queued");
            // a queued job keeps its files however old it is
            age(stack, "UPDATE jobs SET queued_at = now() - interval '3 days' WHERE id = ?", waiting.queueId);
            age(stack, "UPDATE jobs SET completed_at = now() - interval '2 days' WHERE id = ?", old.queueId);
            List<Path> oldFiles = filesOf(stack, old);
            assertThat(oldFiles).hasSize(3);
            long oldBytes = bytes(oldFiles);
            JsonNode statsBefore = alice.get("/api/v1/vision/files/stats").json();

            ApiClient.Response cleanup = admin.post("/api/v1/vision/files/cleanup");

            assertThat(cleanup.status()).as(cleanup.text()).isEqualTo(200);
            assertThat(cleanup.json().get("success").asBoolean()).isTrue();
            assertThat(cleanup.json().get("removedFiles").asLong()).isEqualTo(oldFiles.size());
            assertThat(cleanup.json().get("freedBytes").asLong()).isEqualTo(oldBytes);
            assertThat(oldFiles).allSatisfy(file -> assertThat(file).doesNotExist());
            assertThat(filesOf(stack, recent)).hasSize(3);
            assertThat(filesOf(stack, waiting)).hasSize(1);
            JsonNode statsAfter = alice.get("/api/v1/vision/files/stats").json();
            assertThat(statsAfter.get("files").asLong()).isEqualTo(statsBefore.get("files").asLong() - oldFiles.size());
            assertThat(statsAfter.get("bytes").asLong()).isEqualTo(statsBefore.get("bytes").asLong() - oldBytes);
        } finally {
            Workers.resume(admin);
        }

        for (String path : List.of("/variants/thumbnail", "/variants/blur", "/original")) {
            ApiClient.Response gone = alice.get("/api/media/" + old.mediaItemId + path);
            assertThat(gone.status()).as(path + ": " + gone.text()).isEqualTo(410);
            assertThat(gone.json().get("error").asString()).isEqualTo("expired");
            assertThat(gone.json().get("message").asString()).isNotBlank();
        }
        assertThat(stack.client("dev-bob-key").get("/api/media/" + old.mediaItemId + "/original").status())
                .as("another owner learns nothing, not even that it expired").isEqualTo(404);
        JsonNode item = alice.get("/api/queue/items/" + old.queueId).json();
        assertThat(item.get("expired_at").isNull()).as(item.toString()).isFalse();
        assertThat(item.get("results").size()).isZero();
        assertThat(item.get("status").asString()).isEqualTo("completed");
        ApiClient.Response again = alice.post("/api/queue/enqueue/" + old.mediaItemId);
        assertThat(again.status()).as(again.text()).isEqualTo(410);
        assertThat(again.json().get("error").asString()).isEqualTo("expired");

        assertThat(alice.get("/api/queue/items/" + recent.queueId).json().get("expired_at").isNull()).isTrue();
        assertThat(alice.get("/api/media/" + recent.mediaItemId + "/variants/thumbnail").status()).isEqualTo(200);
        // the queued job was never touched: it runs to the end once the workers are back
        PipelineIT.awaitStatus(alice, waiting.queueId, "completed");
        assertThat(alice.get("/api/media/" + waiting.mediaItemId + "/variants/blur").status()).isEqualTo(200);

        ApiClient.Response nothingLeft = admin.post("/api/v1/vision/files/cleanup");
        assertThat(nothingLeft.json().get("removedFiles").asLong()).isZero();
        assertThat(nothingLeft.json().get("freedBytes").asLong()).isZero();
        JsonNode metrics = alice.get("/health/metrics").json().get("fileCleanup");
        assertThat(metrics.get("removedFiles").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(metrics.get("runs").get("api").get("success").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(stack.gateway.logLines()).anySatisfy(line -> assertThat(line)
                .contains("File cleanup (api)").contains("3 files removed"));
    }

    @Test
    void onlyAdminMayCleanUp(Stack stack) throws Exception {
        ApiClient.Response user = stack.client("dev-alice-key").post("/api/v1/vision/files/cleanup");
        assertThat(user.status()).isEqualTo(403);
        assertThat(user.json().get("error").asString()).isEqualTo("forbidden");
        assertThat(user.json().get("message").asString()).isNotBlank();
        assertThat(stack.client(null).post("/api/v1/vision/files/cleanup").status()).isEqualTo(401);
    }

    @Test
    void theScheduleRemovesThemWithoutBeingAsked(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Item item = upload(alice, "scheduled.png", 400, 300);
        PipelineIT.awaitStatus(alice, item.queueId, "completed");
        age(stack, "UPDATE jobs SET completed_at = now() - interval '2 days' WHERE id = ?", item.queueId);
        List<Path> files = filesOf(stack, item);
        assertThat(files).hasSize(3);

        try (ServiceProcess scheduled = stack.anotherGateway(Map.of("MEDIAFLOW_FILE_CLEANUP_INTERVAL", "1s"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> files.stream().noneMatch(Files::exists));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    !alice.get("/api/queue/items/" + item.queueId).json().get("expired_at").isNull());
            JsonNode runs = new ApiClient(scheduled.url(), null).get("/health/metrics").json()
                    .get("fileCleanup").get("runs").get("schedule");
            assertThat(runs.get("success").asLong()).isPositive();
            assertThat(scheduled.logLines()).anySatisfy(line -> assertThat(line).contains("File cleanup (schedule)"));
        }
        assertThat(alice.get("/api/media/" + item.mediaItemId + "/variants/thumbnail").status()).isEqualTo(410);
    }

    private record Item(String queueId, String mediaItemId) {
    }

    private Item upload(ApiClient client, String name, int width, int height) throws Exception {
        ApiClient.Response upload = client.upload(name, Media.png(tmp.resolve(name), width, height),
                Map.of("operations", OPS));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        return new Item(upload.json().get("queueId").asString(), upload.json().get("mediaItemId").asString());
    }

    /** The item's original and results as they are on disk. */
    private static List<Path> filesOf(Stack stack, Item item) throws IOException {
        Path original = stack.storage.resolve("uploads/alice/" + item.mediaItemId + ".png");
        Path results = stack.storage.resolve("processed/alice/" + item.mediaItemId);
        List<Path> files = new java.util.ArrayList<>();
        if (Files.exists(original)) {
            files.add(original);
        }
        if (Files.isDirectory(results)) {
            try (Stream<Path> walk = Files.walk(results)) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        return files;
    }

    private static long bytes(List<Path> files) throws IOException {
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        return total;
    }

    /**
     * Moves one job's times back, as if the days had passed; waits for queue-service to have recorded the job
     * (the upload's 202 comes a moment before that).
     */
    private static void age(Stack stack, String sql, String jobId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Connection db = stack.database.connect(); PreparedStatement update = db.prepareStatement(sql)) {
                update.setObject(1, UUID.fromString(jobId));
                return update.executeUpdate() == 1;
            }
        });
    }
}
