package dev.mediaflow.queue.events;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.DatabaseRefusal;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.IntegrationTest;
import dev.mediaflow.queue.support.Rows;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** End to end through RabbitMQ: mediaflow.events -> listener -> PostgreSQL and Redis. */
class JobEventListenerTest extends IntegrationTest {

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    MeterRegistry meters;

    @Test
    void publishedEventsReachTheDatabaseAndTheRedisHashAndChannel() {
        Events e = Events.allOperations("alice");
        List<String> published = new CopyOnWriteArrayList<>();
        Disposable subscription = redis.listenToChannelLater(keys.jobChannel(e.jobId)).block(Duration.ofSeconds(5))
                .map(ReactiveSubscription.Message::getMessage)
                .subscribe(published::add);
        try {
            publish(e.submitted());
            publish(e.started(WorkerKind.VISION, 1, 3));

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "processing"));
            Map<String, String> hash = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
                    () -> redis.<String, String>opsForHash().entries(keys.job(e.jobId))
                            .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(Duration.ofSeconds(5)),
                    entries -> "processing".equals(entries.get("status")));
            assertThat(hash).containsEntry("status", "processing").containsEntry("attempts", "1")
                    .containsEntry("owner", "alice").containsKey("updated_at").doesNotContainKey("pending");
            assertThat(hash.get("item")).contains("\"max_attempts\":3").contains("\"priority\":42")
                    .contains("\"status\":\"processing\"");
            assertThat(redis.getExpire(keys.job(e.jobId)).block()).isGreaterThan(Duration.ofDays(6));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published)
                    .anySatisfy(json -> assertThat(json).contains("\"status\":\"processing\"")
                            .contains("\"jobId\":\"" + e.jobId + "\"")));
        } finally {
            subscription.dispose();
        }
    }

    @Test
    void aMalformedMessageIsParkedOnceAndDoesNotBlockTheQueue() {
        double rejectedBefore = rejected();
        String unreadable = "{\"type\":\"task.started\",\"jobId\":\"not-a-uuid\",\"marker\":\"" + UUID.randomUUID() + "\"";
        String unusable = "{\"type\":\"task.started\",\"worker\":\"image\",\"marker\":\"" + UUID.randomUUID() + "\"}";
        rabbit.send(Topology.EVENTS_EXCHANGE, "task.started", json(unreadable));
        rabbit.send(Topology.EVENTS_EXCHANGE, "task.started", json(unusable));
        Events e = Events.allOperations("alice");
        publish(e.submitted());

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "queued"));
        await().atMost(Duration.ofSeconds(5)).until(() -> rejected() == rejectedBefore + 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> rejected() == rejectedBefore + 2);

        // issue 11, defect 6: a rejected event is parked with its bytes, not dropped
        List<String> parked = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Message m = rabbit.receive(Topology.EVENTS_PARKED_QUEUE, 500);
            if (m != null) {
                parked.add(new String(m.getBody(), StandardCharsets.UTF_8));
            }
            return parked.containsAll(List.of(unreadable, unusable));
        });
    }

    @Test
    void anEventTheDatabaseRefusesIsParkedAloneWhileTheEventsAroundItApply() {
        Events a = new Events("alice", List.of(Operation.THUMBNAIL), 3);
        Events x = new Events("alice", List.of(Operation.THUMBNAIL), 3);
        publish(a.submitted());
        publish(x.submitted());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Rows.of(db, x.jobId, x.mediaItemId).job()).containsEntry("status", "queued"));
        double rejectedBefore = rejected();
        JobEvent refused = x.imageSucceeded(1, 1, 2);

        try (DatabaseRefusal refusal = DatabaseRefusal.of(db, "results", "NEW.job_id = '" + x.jobId + "'",
                DatabaseRefusal.CONSTRAINT, "refused by the test")) {
            // published back to back, so that they are likely one batch; the outcome is the same if they are not
            publish(a.started(WorkerKind.IMAGE, 1, 1));
            publish(refused);
            publish(a.imageSucceeded(1, 1, 3));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(Rows.of(db, a.jobId, a.mediaItemId).job()).containsEntry("status", "completed"));
            await().atMost(Duration.ofSeconds(10)).until(() -> rejected() == rejectedBefore + 1);
        }
        assertThat(Rows.of(db, x.jobId, x.mediaItemId).job()).containsEntry("status", "queued");
        assertThat(Rows.of(db, x.jobId, x.mediaItemId).tasks()).isEmpty();
        List<String> parked = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Message m = rabbit.receive(Topology.EVENTS_PARKED_QUEUE, 500);
            if (m != null) {
                parked.add(new String(m.getBody(), StandardCharsets.UTF_8));
            }
            return parked.stream().anyMatch(body -> body.contains(refused.eventId().toString()));
        });
        assertThat(parked).noneMatch(body -> body.contains(a.jobId.toString()));
    }

    @Test
    void eventsTheDatabaseCannotTakeNowAreRequeuedUntilItCan() {
        Events a = new Events("alice", List.of(Operation.THUMBNAIL), 3);
        publish(a.submitted());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Rows.of(db, a.jobId, a.mediaItemId).job()).containsEntry("status", "queued"));
        double rejectedBefore = rejected();
        double requeuedBefore = requeued();

        try (DatabaseRefusal down = DatabaseRefusal.of(db, "task_attempts", "NEW.job_id = '" + a.jobId + "'",
                DatabaseRefusal.OTHER, "database down in test")) {
            publish(a.started(WorkerKind.IMAGE, 1, 1));
            publish(a.imageSucceeded(1, 1, 2));
            await().atMost(Duration.ofSeconds(20)).until(() -> requeued() >= requeuedBefore + 2);
            assertThat(Rows.of(db, a.jobId, a.mediaItemId).job()).containsEntry("status", "queued");
        }

        // redelivered, and applied once the database takes them; nothing was parked
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(Rows.of(db, a.jobId, a.mediaItemId).job()).containsEntry("status", "completed"));
        assertThat(rejected()).isEqualTo(rejectedBefore);
    }

    private double requeued() {
        return meters.counter("mediaflow.events", "outcome", "requeued").count();
    }

    private double rejected() {
        return meters.counter("mediaflow.events", "outcome", "rejected").count();
    }

    private void publish(JobEvent event) {
        rabbit.send(Topology.EVENTS_EXCHANGE, event.routingKey(),
                json(new String(Json.write(event), StandardCharsets.UTF_8)));
    }

    private static Message json(String body) {
        MessageProperties props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        return new Message(body.getBytes(StandardCharsets.UTF_8), props);
    }
}
