package dev.mediaflow.system;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue and media routes of issue 15 on the real services: content dedup, deleting a media item, redo,
 * the seed's job status, re-queueing batches and the media status list, through the gateway as a client sees
 * them.
 */
@ExtendWith(StackExtension.class)
class MediaApiIT {

    private static final String OPS = "thumbnail,blur";

    @TempDir
    Path tmp;

    @Test
    void aRepeatedUploadReusesTheEarlierResultsWithoutProcessingButNeverAcrossOwners(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Path photo = Media.png(tmp.resolve("same.png"), 640, 480);
        // the dedup filter, which queue-service fills at its start: the new file is told apart without asking
        // queue-service, the repeated one is asked about (the filter's bits are the same in both services)
        awaitDedupFilter(stack);
        double newFiles = dedupFilterAnswers(stack, "new");
        double maybes = dedupFilterAnswers(stack, "maybe");
        JsonNode first = accepted(alice.upload("same.png", photo, Map.of("operations", OPS)));
        String firstId = first.get("mediaItemId").asString();
        assertThat(dedupFilterAnswers(stack, "new")).isEqualTo(newFiles + 1);
        PipelineIT.awaitStatus(alice, first.get("queueId").asString(), "completed");

        JsonNode again = accepted(alice.upload("again.png", photo, Map.of("operations", "blur,thumbnail")));
        assertThat(again.get("duplicateOf").asString()).isEqualTo(firstId);
        assertThat(dedupFilterAnswers(stack, "maybe")).isEqualTo(maybes + 1);
        assertThat(again.get("status").asString()).as("the contract's 202 says queued or pending, a duplicate's too")
                .isEqualTo("queued");
        String againId = again.get("mediaItemId").asString();
        assertThat(againId).isNotEqualTo(firstId);
        // completed at once: no waiting, and no worker ever ran it
        JsonNode item = alice.get("/api/queue/items/" + again.get("queueId").asString()).json();
        assertThat(item.get("status").asString()).isEqualTo("completed");
        assertThat(item.get("attempts").asInt()).isZero();
        assertThat(item.get("results").propertyNames()).containsExactlyInAnyOrder("thumbnail", "blur");
        assertThat(item.get("results").get("thumbnail").get("url").asString())
                .isEqualTo("/api/media/" + againId + "/variants/thumbnail");
        for (String variant : List.of("thumbnail", "blur")) {
            ApiClient.Response reused = alice.get("/api/media/" + againId + "/variants/" + variant);
            assertThat(reused.status()).isEqualTo(200);
            assertThat(reused.body()).isEqualTo(alice.get("/api/media/" + firstId + "/variants/" + variant).body());
            // one file on disk, two names: a hard link, nothing copied
            assertThat(Files.isSameFile(output(stack, "alice", firstId, variant), output(stack, "alice", againId, variant)))
                    .isTrue();
        }
        assertThat(alice.get("/api/media/" + againId + "/original").body()).isEqualTo(Files.readAllBytes(photo));

        // other operations, or force=true: processed anew
        JsonNode otherOps = accepted(alice.upload("same.png", photo, Map.of("operations", "thumbnail")));
        assertThat(otherOps.has("duplicateOf")).isFalse();
        assertThat(otherOps.get("status").asString()).isEqualTo("queued");
        JsonNode forced = accepted(alice.upload("same.png", photo, Map.of("operations", OPS, "force", "true")));
        assertThat(forced.has("duplicateOf")).isFalse();
        assertThat(PipelineIT.awaitStatus(alice, forced.get("queueId").asString(), "completed")
                .get("attempts").asInt()).isEqualTo(1);

        // bob has the same file: he learns nothing of alice's, his upload is processed like any new one
        ApiClient bob = stack.client("dev-bob-key");
        JsonNode bobs = accepted(bob.upload("same.png", photo, Map.of("operations", OPS)));
        assertThat(bobs.has("duplicateOf")).isFalse();
        assertThat(bobs.get("status").asString()).isEqualTo("queued");
        assertThat(bobs.toString()).doesNotContain(firstId).doesNotContain(againId);
        JsonNode bobsItem = PipelineIT.awaitStatus(bob, bobs.get("queueId").asString(), "completed");
        assertThat(bobsItem.get("attempts").asInt()).isEqualTo(1);
        assertThat(Files.isSameFile(output(stack, "alice", firstId, "thumbnail"),
                output(stack, "bob", bobs.get("mediaItemId").asString(), "thumbnail"))).isFalse();

        assertThat(alice.upload("same.png", photo, Map.of("force", "maybe")).status()).isEqualTo(400);
    }

    @Test
    void deletingOneOfTwoItemsSharingResultsLeavesTheOtherIntactAndEveryRouteOfTheDeletedOneAnswers404(Stack stack)
            throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Path photo = Media.png(tmp.resolve("shared.png"), 500, 300);
        JsonNode first = accepted(alice.upload("shared.png", photo, Map.of("operations", OPS)));
        String firstId = first.get("mediaItemId").asString();
        String firstQueueId = first.get("queueId").asString();
        PipelineIT.awaitStatus(alice, firstQueueId, "completed");
        JsonNode second = accepted(alice.upload("shared.png", photo, Map.of("operations", OPS)));
        String secondId = second.get("mediaItemId").asString();
        assertThat(second.get("duplicateOf").asString()).isEqualTo(firstId);
        byte[] thumbnail = alice.get("/api/media/" + firstId + "/variants/thumbnail").body();

        ApiClient bob = stack.client("dev-bob-key");
        ApiClient.Response refused = bob.delete("/api/media/" + firstId);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.json().get("error").asString()).isEqualTo("not_found");
        assertThat(alice.get("/api/media/" + firstId + "/variants/thumbnail").status()).isEqualTo(200);

        ApiClient.Response deleted = alice.delete("/api/media/" + firstId);
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
        assertThat(deleted.json().get("success").asBoolean()).isTrue();

        // the other keeps its results
        ApiClient.Response kept = alice.get("/api/media/" + secondId + "/variants/thumbnail");
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.body()).isEqualTo(thumbnail);
        assertThat(alice.get("/api/media/" + secondId + "/variants/blur").status()).isEqualTo(200);
        assertThat(alice.get("/api/media/" + secondId + "/original").status()).isEqualTo(200);
        assertThat(alice.get("/api/queue/items/" + second.get("queueId").asString()).json()
                .get("results").propertyNames()).containsExactlyInAnyOrder("thumbnail", "blur");

        // the deleted one is gone everywhere
        List<ApiClient.Response> answers = new ArrayList<>(List.of(
                alice.get("/api/media/" + firstId + "/variants/thumbnail"),
                alice.get("/api/media/" + firstId + "/original"),
                alice.get("/api/queue/items/" + firstQueueId),
                alice.get("/api/queue/status/" + firstQueueId),
                alice.get("/api/queue/items/" + firstQueueId + "/events"),
                alice.get("/api/v1/vision/jobs/" + firstQueueId),
                alice.post("/api/queue/items/" + firstQueueId + "/retry"),
                alice.post("/api/queue/items/" + firstQueueId + "/cancel"),
                alice.post("/api/queue/enqueue/" + firstId),
                alice.post("/api/queue/redo", "{\"queueId\":\"" + firstQueueId + "\",\"operations\":[\"blur\"]}"),
                alice.delete("/api/media/" + firstId)));
        for (ApiClient.Response answer : answers) {
            assertThat(answer.status()).as(answer.raw().request().method() + " " + answer.raw().uri())
                    .isEqualTo(404);
            assertThat(answer.json().get("error").asString()).isEqualTo("not_found");
        }
        JsonNode listed = alice.get("/api/media/status?limit=500").json();
        assertThat(listed.toString()).contains(secondId).doesNotContain(firstId);
        assertThat(Files.exists(stack.storage.resolve("processed/alice/" + firstId))).isFalse();
        assertThat(Files.exists(stack.storage.resolve("uploads/alice/" + firstId + ".png"))).isFalse();

        // admin may delete anyone's
        assertThat(stack.client("dev-admin-key").delete("/api/media/" + secondId).status()).isEqualTo(200);
        assertThat(alice.get("/api/media/" + secondId + "/variants/thumbnail").status()).isEqualTo(404);
        assertThat(alice.delete("/api/media/not-a-uuid").status()).isEqualTo(400);
    }

    @Test
    void aDeletedItemsTaskStillInTheQueueIsSkippedNotRun(Stack stack) throws Exception {
        ApiClient admin = stack.client("dev-admin-key");
        ApiClient alice = stack.client("dev-alice-key");
        JsonNode upload;
        assertThat(admin.post("/api/queue/worker/stop").status()).isEqualTo(200);
        try {
            upload = accepted(alice.upload("waiting.png", Media.png(tmp.resolve("waiting.png"), 300, 200),
                    Map.of("operations", OPS)));
            String mediaItemId = upload.get("mediaItemId").asString();
            PipelineIT.awaitStatus(alice, upload.get("queueId").asString(), "queued");
            assertThat(alice.delete("/api/media/" + mediaItemId).status()).isEqualTo(200);
        } finally {
            assertThat(admin.post("/api/queue/worker/start").status()).isEqualTo(200);
        }
        String mediaItemId = upload.get("mediaItemId").asString();
        // a later job goes through the same queue: once it is done, the deleted item's task was taken before it
        // (with the lowest priority, so that it is delivered after the waiting one)
        JsonNode later = accepted(alice.upload("later.png", Media.png(tmp.resolve("later.png"), 320, 200),
                Map.of("operations", OPS, "priority", "200")));
        PipelineIT.awaitStatus(alice, later.get("queueId").asString(), "completed");
        assertThat(Files.exists(stack.storage.resolve("processed/alice/" + mediaItemId))).isFalse();
        assertThat(alice.get("/api/queue/items/" + upload.get("queueId").asString()).status()).isEqualTo(404);
        assertThat(alice.get("/api/media/" + mediaItemId + "/variants/thumbnail").status()).isEqualTo(404);
    }

    @Test
    void redoStatusBatchesAndFiltersThroughTheGateway(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        String project = "p-" + stack.runId;
        JsonNode upload = accepted(alice.upload("batch.png", Media.png(tmp.resolve("batch.png"), 400, 300),
                Map.of("operations", OPS, "projectId", project, "batchId", "b1")));
        String queueId = upload.get("queueId").asString();
        String mediaItemId = upload.get("mediaItemId").asString();
        PipelineIT.awaitStatus(alice, queueId, "completed");
        String thumbnailTag = alice.get("/api/media/" + mediaItemId + "/variants/thumbnail").raw().headers()
                .firstValue("ETag").orElseThrow();

        JsonNode status = alice.get("/api/queue/status/" + queueId).json();
        assertThat(status.get("success").asBoolean()).isTrue();
        assertThat(status.get("job").get("id").asString()).isEqualTo(queueId);
        assertThat(status.get("job").get("status").asString()).isEqualTo("completed");
        assertThat(status.get("job").get("data").get("projectId").asString()).isEqualTo(project);

        ApiClient.Response redo = alice.post("/api/queue/redo",
                "{\"queueId\":\"" + queueId + "\",\"operations\":[\"blur\"],\"priority\":5}");
        assertThat(redo.status()).as(redo.text()).isEqualTo(202);
        String redoId = redo.json().get("jobId").asString();
        JsonNode redone = PipelineIT.awaitStatus(alice, redoId, "completed");
        assertThat(redone.get("operations").size()).isEqualTo(1);
        assertThat(redone.get("results").propertyNames()).containsExactlyInAnyOrder("thumbnail", "blur");
        // the thumbnail the redo did not name is the very same file
        assertThat(alice.get("/api/media/" + mediaItemId + "/variants/thumbnail").raw().headers()
                .firstValue("ETag").orElseThrow()).isEqualTo(thumbnailTag);

        ApiClient.Response batch = alice.post("/api/queue/enqueue",
                "{\"projectId\":\"" + project + "\",\"batchIds\":[\"b1\"]}");
        assertThat(batch.status()).as(batch.text()).isEqualTo(202);
        assertThat(batch.json().get("jobIds").size()).isEqualTo(1);
        assertThat(batch.json().get("canceledCount").asLong()).isZero();
        PipelineIT.awaitStatus(alice, batch.json().get("jobIds").get(0).asString(), "completed");

        JsonNode metrics = alice.get("/api/queue/metrics?timeRange=24h&projectId=" + project).json();
        assertThat(metrics.get("stats").get("successRate").asDouble()).isEqualTo(1.0);
        assertThat(metrics.get("stats").get("operationBreakdown").size()).isEqualTo(2);
        assertThat(alice.get("/api/queue/stats?projectId=" + project).json().get("stats").get("completed").asLong())
                .isEqualTo(3);

        JsonNode media = alice.get("/api/media/status?limit=1").json();
        assertThat(media.get("items").get(0).get("media_item_id").asString()).isEqualTo(mediaItemId);
        assertThat(media.get("items").get(0).get("latest_job").get("status").asString()).isEqualTo("completed");

        for (String[] bad : List.of(new String[]{"/api/queue/redo", "{\"queueId\":"},
                new String[]{"/api/queue/redo", "{\"queueId\":\"" + queueId + "\",\"operations\":[\"sharpen\"]}"},
                new String[]{"/api/queue/enqueue", "{\"projectId\":\"" + project + "\"}"},
                new String[]{"/api/queue/enqueue", "{\"projectId\":\"" + project + "\",\"batchId\":\"b1\",\"priority\":0}"})) {
            ApiClient.Response answer = alice.post(bad[0], bad[1]);
            assertThat(answer.status()).as(bad[1]).isEqualTo(400);
            assertThat(answer.json().get("error").asString()).isEqualTo("bad_request");
        }
        ApiClient bob = stack.client("dev-bob-key");
        assertThat(bob.get("/api/queue/status/" + queueId).status()).isEqualTo(404);
        assertThat(bob.post("/api/queue/redo", "{\"queueId\":\"" + queueId + "\",\"operations\":[\"blur\"]}")
                .status()).isEqualTo(404);
        assertThat(bob.post("/api/queue/enqueue", "{\"projectId\":\"" + project + "\",\"batchId\":\"b1\"}")
                .status()).isEqualTo(404);
        assertThat(bob.get("/api/media/status").json().get("items").toString()).doesNotContain(mediaItemId);
        assertThat(stack.client(null).get("/api/media/status").status()).isEqualTo(401);
        assertThat(stack.client(null).delete("/api/media/" + mediaItemId).status()).isEqualTo(401);
    }

    private static JsonNode accepted(ApiClient.Response upload) {
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        return upload.json();
    }

    private static Path output(Stack stack, String owner, String mediaItemId, String variant) {
        String file = variant.equals("depth") ? "depth.png" : variant + ".webp";
        return stack.storage.resolve("processed").resolve(owner).resolve(mediaItemId).resolve(file);
    }

    /** Until queue-service has marked the filter complete (it rebuilds it at its start). */
    private static void awaitDedupFilter(Stack stack) {
        RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
        try (var connection = redis.connect()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> connection.sync().exists(stack.redisPrefix + "dedup:ready") == 1);
        } finally {
            redis.shutdown();
        }
    }

    /** The gateway's {@code mediaflow_dedup_filter_total} of one answer, from its Prometheus scrape. */
    private static double dedupFilterAnswers(Stack stack, String answer) throws Exception {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.gateway.url() + "/actuator/prometheus"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
        return scrape.body().lines()
                .filter(line -> line.startsWith("mediaflow_dedup_filter_total{") && line.contains("answer=\"" + answer + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
