package dev.mediaflow.system;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The end-to-end checks: real processes, real RabbitMQ, Redis and PostgreSQL. */
@ExtendWith(StackExtension.class)
class PipelineIT {

    private static final String IMAGE_OPS = "thumbnail,blur,low-quality";

    @TempDir
    Path tmp;

    @Test
    void aPhotoReachesCompletedWithItsThreeVariantsRecordedInPostgresAndRedis(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Path photo = Media.jpeg(tmp.resolve("big.jpg"), 4000, 3000);

        ApiClient.Response upload = alice.upload("holiday.jpg", photo, Map.of("operations", IMAGE_OPS));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        JsonNode body = upload.json();
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("type").asString()).isEqualTo("photo");
        assertThat(body.get("size").asLong()).isEqualTo(Files.size(photo));
        assertThat(body.get("sha256").asString()).isEqualTo(sha256(photo));
        assertThat(body.get("status").asString()).isEqualTo("queued");
        String queueId = body.get("queueId").asString();
        String mediaItemId = body.get("mediaItemId").asString();
        assertThat(upload.raw().headers().firstValue("Location")).contains("/api/queue/items/" + queueId);

        JsonNode item = awaitStatus(alice, queueId, "completed");
        assertThat(item.get("attempts").asInt()).isEqualTo(1);
        assertThat(item.get("original_filename").asString()).isEqualTo("holiday.jpg");
        assertThat(item.get("results").propertyNames()).containsExactlyInAnyOrder("thumbnail", "blur", "low-quality");
        assertThat(item.toString()).doesNotContain(stack.storage.toString());

        assertVariant(alice, mediaItemId, "thumbnail", 320, 4000, 3000);
        assertVariant(alice, mediaItemId, "blur", 640, 4000, 3000);
        assertVariant(alice, mediaItemId, "low-quality", 1280, 4000, 3000);
        assertThat(item.get("results").get("thumbnail").get("width").asInt()).isEqualTo(320);

        try (var db = stack.database.connect()) {
            ResultSet row = db.createStatement().executeQuery("select status from jobs where id = '" + queueId + "'");
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo("completed");
        }
        RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
        try (var connection = redis.connect()) {
            assertThat(connection.sync().hget(stack.redisPrefix + "job:" + queueId, "status")).isEqualTo("completed");
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void aVideoGetsTheVariantsOfOneFrame(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Path video = Media.mp4(tmp.resolve("clip.mp4"), 640, 360, 50);

        ApiClient.Response upload = alice.upload("clip.mp4", video, Map.of("operations", IMAGE_OPS));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        assertThat(upload.json().get("type").asString()).isEqualTo("video");
        assertThat(upload.json().get("priority").asInt()).isBetween(101, 200);

        awaitStatus(alice, upload.json().get("queueId").asString(), "completed");
        String id = upload.json().get("mediaItemId").asString();
        assertVariant(alice, id, "thumbnail", 320, 640, 360);
        assertVariant(alice, id, "blur", 640, 640, 360);
        // never larger than the source
        assertVariant(alice, id, "low-quality", 640, 640, 360);
    }

    @Test
    void anotherOwnersItemIsNotFoundButAdminSeesIt(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        ApiClient.Response upload = alice.upload("mine.png", Media.png(tmp.resolve("mine.png"), 300, 200),
                Map.of("operations", "thumbnail"));
        assertThat(upload.status()).isEqualTo(202);
        String queueId = upload.json().get("queueId").asString();
        String mediaItemId = upload.json().get("mediaItemId").asString();
        awaitStatus(alice, queueId, "completed");

        ApiClient bob = stack.client("dev-bob-key");
        assertThat(bob.get("/api/queue/items/" + queueId).status()).isEqualTo(404);
        assertThat(bob.get("/api/media/" + mediaItemId + "/variants/thumbnail").status()).isEqualTo(404);
        assertThat(bob.get("/api/media/" + mediaItemId + "/original").status()).isEqualTo(404);
        assertThat(bob.post("/api/queue/items/" + queueId + "/retry").status()).isEqualTo(404);
        ApiClient admin = stack.client("dev-admin-key");
        assertThat(admin.get("/api/queue/items/" + queueId).status()).isEqualTo(200);
        assertThat(admin.get("/api/media/" + mediaItemId + "/variants/thumbnail").status()).isEqualTo(200);
        assertThat(stack.client(null).get("/api/queue/items/" + queueId).status()).isEqualTo(401);
        assertThat(stack.client("wrong").get("/api/queue/items/" + queueId).status()).isEqualTo(401);
    }

    @Test
    void aCorruptJpegFailsAfterExactlyMaxAttemptsIsParkedAndDoesNotBlockLaterWork(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Path corrupt = Media.corruptJpeg(tmp.resolve("corrupt.jpg"));
        ApiClient.Response upload = alice.upload("corrupt.jpg", corrupt,
                Map.of("operations", IMAGE_OPS, "maxAttempts", "2"));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        String badId = upload.json().get("queueId").asString();

        ApiClient.Response good = alice.upload("fine.jpg", Media.jpeg(tmp.resolve("fine.jpg"), 800, 600),
                Map.of("operations", IMAGE_OPS));
        awaitStatus(alice, good.json().get("queueId").asString(), "completed");

        JsonNode failed = awaitStatus(alice, badId, "failed");
        assertThat(failed.get("attempts").asInt()).isEqualTo(2);
        assertThat(failed.get("max_attempts").asInt()).isEqualTo(2);
        assertThat(failed.get("last_error").asString()).isNotBlank();

        TaskMessage parked = awaitParked(stack, UUID.fromString(badId));
        assertThat(parked.attempt()).isEqualTo(2);

        // retry puts it back to queued with attempts reset; it fails again the same way
        ApiClient.Response retry = alice.post("/api/queue/items/" + badId + "/retry");
        assertThat(retry.status()).as(retry.text()).isEqualTo(200);
        JsonNode again = awaitStatus(alice, badId, "failed");
        assertThat(again.get("attempts").asInt()).isEqualTo(2);
        assertThat(alice.post("/api/queue/items/" + good.json().get("queueId").asString() + "/retry").status()).isEqualTo(409);
    }

    @Test
    void theSmallPhotoRunsFirstAndTheVideoLast(Stack stack) throws Exception {
        ApiClient admin = stack.client("dev-admin-key");
        ApiClient alice = stack.client("dev-alice-key");
        String videoId;
        String bigId;
        String smallId;
        Path video = Media.mp4(tmp.resolve("v.mp4"), 320, 240, 10);
        Path big = Media.jpeg(tmp.resolve("big.jpg"), 3000, 2000);
        Path small = Media.jpeg(tmp.resolve("small.jpg"), 160, 120);

        assertThat(stack.client("dev-bob-key").post("/api/queue/worker/stop").status()).isEqualTo(403);
        try {
            Workers.pause(admin);
            videoId = alice.upload("v.mp4", video, Map.of("operations", "thumbnail")).json().get("queueId").asString();
            bigId = alice.upload("big.jpg", big, Map.of("operations", "thumbnail")).json().get("queueId").asString();
            smallId = alice.upload("small.jpg", small, Map.of("operations", "thumbnail")).json().get("queueId").asString();
            Thread.sleep(1500);
            assertThat(alice.get("/api/queue/items/" + smallId).json().get("status").asString()).isEqualTo("queued");
        } finally {
            Workers.resume(admin);
        }
        Instant smallStart = startedAt(awaitStatus(alice, smallId, "completed"));
        Instant bigStart = startedAt(awaitStatus(alice, bigId, "completed"));
        Instant videoStart = startedAt(awaitStatus(alice, videoId, "completed"));
        assertThat(smallStart).isBefore(bigStart);
        assertThat(bigStart).isBefore(videoStart);
    }

    private static Instant startedAt(JsonNode item) {
        return Instant.parse(item.get("started_at").asString());
    }

    @Test
    void aCancelledJobIsSkippedByTheWorkersAndCannotBeCancelledTwice(Stack stack) throws Exception {
        ApiClient admin = stack.client("dev-admin-key");
        ApiClient alice = stack.client("dev-alice-key");
        String queueId;
        String mediaItemId;
        assertThat(admin.post("/api/queue/worker/stop").status()).isEqualTo(200);
        try {
            ApiClient.Response upload = alice.upload("later.jpg", Media.jpeg(tmp.resolve("later.jpg"), 640, 480));
            queueId = upload.json().get("queueId").asString();
            mediaItemId = upload.json().get("mediaItemId").asString();
            awaitStatus(alice, queueId, "queued");
            assertThat(stack.client("dev-bob-key").post("/api/queue/items/" + queueId + "/cancel").status()).isEqualTo(404);
            ApiClient.Response cancel = alice.post("/api/queue/items/" + queueId + "/cancel");
            assertThat(cancel.status()).as(cancel.text()).isEqualTo(200);
            assertThat(alice.post("/api/queue/items/" + queueId + "/cancel").status()).isEqualTo(409);
        } finally {
            assertThat(admin.post("/api/queue/worker/start").status()).isEqualTo(200);
        }
        // both workers take the tasks, see the cancel flag and drop them
        await().atMost(Duration.ofSeconds(30)).until(() ->
                stack.vhost.queueDepth("mediaflow.image.tasks") == 0 && stack.vhost.queueDepth("mediaflow.vision.tasks") == 0);
        Thread.sleep(1000);
        JsonNode item = alice.get("/api/queue/items/" + queueId).json();
        assertThat(item.get("status").asString()).isEqualTo("cancelled");
        assertThat(item.get("results").size()).isZero();
        assertThat(alice.get("/api/media/" + mediaItemId + "/variants/thumbnail").status()).isEqualTo(404);

        // retry starts a new run that the old cancel does not stop
        assertThat(alice.post("/api/queue/items/" + queueId + "/retry").status()).isEqualTo(200);
        awaitStatus(alice, queueId, "completed");
    }

    @Test
    void aWorkerKilledInTheMiddleOfItsQueueLosesNothing(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Path photo = Media.jpeg(tmp.resolve("many.jpg"), 4000, 3000);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(alice.upload("many-" + i + ".jpg", photo, Map.of("operations", IMAGE_OPS)).json().get("queueId").asString());
        }
        awaitStatus(alice, ids.get(0), "completed");
        stack.killAndRestartImageWorker();
        for (String id : ids) {
            JsonNode item = awaitStatus(alice, id, "completed");
            assertThat(item.get("results").propertyNames()).containsExactlyInAnyOrder("thumbnail", "blur", "low-quality");
        }
    }

    @Test
    void withTheBrokerGoneAnUploadIsPendingAndCompletesOnceItIsBack(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Path photo = Media.jpeg(tmp.resolve("offline.jpg"), 640, 480);
        String queueId;
        stack.brokerForGateway.down();
        try {
            ApiClient.Response upload = alice.upload("offline.jpg", photo, Map.of("operations", IMAGE_OPS));
            assertThat(upload.status()).as(upload.text()).isEqualTo(202);
            assertThat(upload.json().get("status").asString()).isEqualTo("pending");
            queueId = upload.json().get("queueId").asString();
            ApiClient.Response pending = alice.get("/api/queue/items/" + queueId);
            assertThat(pending.status()).isEqualTo(200);
            assertThat(pending.json().get("status").asString()).isEqualTo("pending");
            assertThat(stack.client("dev-bob-key").get("/api/queue/items/" + queueId).status()).isEqualTo(404);
        } finally {
            stack.brokerForGateway.up();
        }
        awaitStatus(alice, queueId, "completed");
    }

    @Test
    void a200MiBUploadStreamsThroughAGatewayWith128MiBOfHeap(Stack stack) throws Exception {
        Path large = Media.paddedJpeg(tmp.resolve("large.jpg"), 200L * 1024 * 1024);
        ApiClient.Response upload = stack.client("dev-alice-key").upload("large.jpg", large, Map.of("operations", "thumbnail"));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        assertThat(upload.json().get("size").asLong()).isEqualTo(200L * 1024 * 1024);
        assertThat(upload.json().get("sha256").asString()).isEqualTo(sha256(large));
        awaitStatus(stack.client("dev-alice-key"), upload.json().get("queueId").asString(), "completed");
    }

    @Test
    void healthSeesEveryDependencyUp(Stack stack) throws Exception {
        ApiClient.Response health = stack.client(null).get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).as(health.text()).isEqualTo("healthy");
        for (String dependency : List.of("rabbitmq", "redis", "postgres", "queue-service", "vision-worker")) {
            assertThat(health.json().get("dependencies").get(dependency).asString()).as(dependency).isEqualTo("up");
        }
        assertThat(stack.client(null).get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void textNamedJpgIsRefusedWithoutLeavingAFile(Stack stack) throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.jpg"), "just some words, not an image\n".repeat(20));
        ApiClient.Response upload = stack.client("dev-alice-key").upload("notes.jpg", text);
        assertThat(upload.status()).isEqualTo(415);
        assertThat(upload.json().get("error").asString()).isNotBlank();
        assertThat(upload.json().get("message").asString()).isNotBlank();
    }

    static JsonNode awaitStatus(ApiClient client, String queueId, String status) {
        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
                ApiClient.Response r = client.get("/api/queue/items/" + queueId);
                if (r.status() != 200) {
                    return false;
                }
                last[0] = r.json();
                String now = last[0].get("status").asString();
                if (!now.equals(status) && Set.of("completed", "failed", "cancelled").contains(now)) {
                    throw new AssertionError("job " + queueId + " ended " + now + " instead of " + status + ": " + last[0]);
                }
                return now.equals(status);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("job " + queueId + " never reached " + status + "; last seen " + last[0], e);
        }
        return last[0];
    }

    private static TaskMessage awaitParked(Stack stack, UUID jobId) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setVirtualHost(stack.vhost.name());
        try (var connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)) {
                GetResponse response = channel.basicGet(Topology.DLQ, false);
                if (response == null) {
                    Thread.sleep(200);
                    continue;
                }
                // left unacknowledged, so the next get returns the next message (a nack with requeue would put
                // this one back at the head: another test's parked task would then hide ours for good); closing
                // the channel hands every one of them back to the parking lot
                TaskMessage task = Json.read(response.getBody(), TaskMessage.class);
                if (task.jobId().equals(jobId)) {
                    return task;
                }
            }
        }
        throw new AssertionError("job " + jobId + " never reached " + Topology.DLQ);
    }

    private static void assertVariant(ApiClient client, String mediaItemId, String name, int longest, int srcW, int srcH)
            throws Exception {
        ApiClient.Response r = client.get("/api/media/" + mediaItemId + "/variants/" + name);
        assertThat(r.status()).as(name).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("image/webp"));
        assertThat(r.raw().headers().firstValue("ETag")).isPresent();
        assertThat(r.raw().headers().firstValue("Cache-Control")).isPresent();
        byte[] b = r.body();
        assertThat(new String(b, 0, 4)).isEqualTo("RIFF");
        assertThat(new String(b, 8, 4)).isEqualTo("WEBP");
        int[] size = Media.decodedSize(b);
        assertThat(Math.max(size[0], size[1])).as(name + " longest side").isEqualTo(longest);
        double expected = (double) srcW / srcH;
        assertThat(Math.abs((double) size[0] / size[1] - expected)).as(name + " aspect ratio").isLessThan(0.01);
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
