package dev.mediaflow.worker;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.TopologyDeclarations;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.testsupport.RabbitVhost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The task life cycle against the real local RabbitMQ and Redis, with a scripted handler. */
class TaskProcessorTest {

    private static final List<Duration> DELAYS = List.of(Duration.ofMillis(300), Duration.ofMillis(600));

    @TempDir
    Path storage;

    private RabbitVhost broker;
    private CachingConnectionFactory rabbitConnections;
    private RabbitTemplate rabbit;
    private LettuceConnectionFactory redisConnections;
    private StringRedisTemplate redis;
    private RedisKeys keys;
    private String eventsQueue;
    private final ScriptedHandler handler = new ScriptedHandler();
    private WorkerState state;
    private TaskProcessor processor;

    @BeforeEach
    void setUp() throws Exception {
        broker = RabbitVhost.create("mediaflow-test");
        rabbitConnections = new CachingConnectionFactory("127.0.0.1", 5672);
        rabbitConnections.setVirtualHost(broker.name());
        rabbitConnections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        RabbitAdmin admin = new RabbitAdmin(rabbitConnections);
        TopologyDeclarations.all(DELAYS).getDeclarables().forEach(d -> {
            if (d instanceof org.springframework.amqp.core.Exchange e) admin.declareExchange(e);
        });
        TopologyDeclarations.all(DELAYS).getDeclarables().forEach(d -> {
            if (d instanceof org.springframework.amqp.core.Queue q) admin.declareQueue(q);
        });
        TopologyDeclarations.all(DELAYS).getDeclarables().forEach(d -> {
            if (d instanceof org.springframework.amqp.core.Binding b) admin.declareBinding(b);
        });
        org.springframework.amqp.core.Queue events = new org.springframework.amqp.core.Queue("test.events", false);
        admin.declareQueue(events);
        admin.declareBinding(BindingBuilder.bind(events).to(new TopicExchange(Topology.EVENTS_EXCHANGE)).with("task.#"));
        eventsQueue = events.getName();
        rabbit = new RabbitTemplate(rabbitConnections);
        rabbit.setReceiveTimeout(3000);

        redisConnections = new LettuceConnectionFactory("127.0.0.1", 6379);
        redisConnections.afterPropertiesSet();
        redisConnections.start();
        redis = new StringRedisTemplate(redisConnections);
        keys = new RedisKeys("mediaflow-test-" + UUID.randomUUID() + ":");

        state = new WorkerState("test-worker");
        processor = new TaskProcessor(handler, new EventPublisher(rabbit, Duration.ofSeconds(5)),
                new TaskFlags(redis, keys, Duration.ofMinutes(5)), state, storage, DELAYS);
        Files.createDirectories(storage.resolve("uploads/alice"));
        Files.writeString(storage.resolve("uploads/alice/in.jpg"), "pretend image");
    }

    @AfterEach
    void tearDown() {
        if (keys == null) {
            return;
        }
        var leftovers = redis.keys(keys.prefix() + "*");
        if (leftovers != null && !leftovers.isEmpty()) {
            redis.delete(leftovers);
        }
        redisConnections.destroy();
        rabbitConnections.destroy();
        broker.close();
    }

    @Test
    void successPublishesStartedThenSucceededAndARedeliveryChangesNothing() {
        TaskMessage task = task(1, 3);
        handler.script.add(ctx -> {
            ctx.checkpoint();
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "webp");
            return Map.of("thumbnail", VariantResult.of(32, 24, 4));
        });

        assertThat(processor.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
        assertThat(Files.exists(storage.resolve("processed/alice/" + task.mediaItemId() + "/thumbnail.webp"))).isTrue();
        assertThat(state.processed()).isEqualTo(1);

        assertThat(processor.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(handler.calls.get()).isEqualTo(1);
        assertThat(rabbit.receive(eventsQueue, 500)).isNull();
    }

    @Test
    void aFailedAttemptGoesThroughTheWaitQueueAndComesBackAsTheNextAttempt() {
        TaskMessage task = task(1, 3);
        handler.script.add(ctx -> {
            throw new IllegalStateException("cannot decode image");
        });

        assertThat(processor.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);
        List<JobEvent> events = events(3);
        assertThat(events).extracting(JobEvent::type)
                .containsExactly(EventType.TASK_STARTED, EventType.TASK_FAILED, EventType.TASK_RETRYING);
        assertThat(events.get(1).error()).isEqualTo("cannot decode image");

        // the wait queue's TTL dead-letters it back onto the task queue, keeping its priority
        Message back = rabbit.receive(WorkerKind.IMAGE.queue(), 5000);
        assertThat(back).isNotNull();
        TaskMessage retried = Json.read(back.getBody(), TaskMessage.class);
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.jobId()).isEqualTo(task.jobId());
        assertThat(back.getMessageProperties().getPriority()).isEqualTo(9);
    }

    @Test
    void theLastFailedAttemptIsRejectedIntoTheParkingLot() {
        TaskMessage task = task(3, 3);
        handler.script.add(ctx -> {
            throw new IllegalStateException("still corrupt");
        });
        MessageProperties props = new MessageProperties();
        rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.IMAGE.routingKey(), new Message(Json.write(task), props));
        Message delivered = rabbit.receive(WorkerKind.IMAGE.queue(), 3000);
        assertThat(delivered).isNotNull();

        assertThat(processor.process(delivered.getBody())).isEqualTo(TaskProcessor.Outcome.REJECT);
        assertThat(eventTypes(3)).containsExactly(EventType.TASK_STARTED, EventType.TASK_FAILED, EventType.TASK_DEAD);
        assertThat(state.failed()).isEqualTo(1);
    }

    @Test
    void rejectedDeliveriesDeadLetterIntoTheParkingLot() {
        // what TaskListener does with REJECT: basicReject without requeue
        rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.IMAGE.routingKey(), new Message("{not json".getBytes(), new MessageProperties()));
        rabbit.execute(channel -> {
            var response = channel.basicGet(WorkerKind.IMAGE.queue(), false);
            assertThat(response).isNotNull();
            assertThat(processor.process(response.getBody())).isEqualTo(TaskProcessor.Outcome.REJECT);
            channel.basicReject(response.getEnvelope().getDeliveryTag(), false);
            return null;
        });
        Message parked = rabbit.receive(Topology.DLQ, 3000);
        assertThat(parked).isNotNull();
        assertThat(new String(parked.getBody())).isEqualTo("{not json");
    }

    @Test
    void aCancelledJobIsSkippedAndACancelMidTaskRemovesPartialOutputs() throws Exception {
        TaskMessage skipped = task(1, 3);
        redis.opsForValue().set(keys.cancel(skipped.jobId()), "1");
        assertThat(processor.process(Json.write(skipped))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(handler.calls.get()).isZero();
        assertThat(eventTypes(1)).containsExactly(EventType.TASK_CANCELLED);

        TaskMessage running = task(1, 3);
        handler.script.add(ctx -> {
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "partial");
            redis.opsForValue().set(keys.cancel(running.jobId()), "1");
            ctx.checkpoint();
            return Map.of();
        });
        assertThat(processor.process(Json.write(running))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_CANCELLED);
        assertThat(storage.resolve("processed/alice/" + running.mediaItemId() + "/thumbnail.webp")).doesNotExist();

        // a retry starts run 2, which the old cancel flag does not stop
        handler.script.add(ctx -> Map.of());
        TaskMessage rerun = new TaskMessage(running.jobId(), running.mediaItemId(), "alice", MediaType.PHOTO,
                WorkerKind.IMAGE, running.inputPath(), running.outputDir(), running.operations(), 5, 2, 1, 3, "00",
                Instant.now());
        assertThat(processor.process(Json.write(rerun))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
    }

    @Test
    void aPathOutsideTheStorageRootFailsTheAttempt() {
        TaskMessage hostile = new TaskMessage(UUID.randomUUID(), UUID.randomUUID(), "alice", MediaType.PHOTO,
                WorkerKind.IMAGE, "../../etc/passwd", "processed/alice/x", List.of(Operation.THUMBNAIL), 5, 1, 1, 1,
                "00", Instant.now());
        assertThat(processor.process(Json.write(hostile))).isEqualTo(TaskProcessor.Outcome.REJECT);
        assertThat(handler.calls.get()).isZero();
        List<JobEvent> events = events(2);
        assertThat(events).extracting(JobEvent::type).containsExactly(EventType.TASK_FAILED, EventType.TASK_DEAD);
        assertThat(events.get(0).error()).contains("leaves the storage root");
    }

    @Test
    void anAttemptThatKilledItsWorkerThreeTimesFailsInsteadOfRunningAgain() {
        TaskMessage task = task(1, 3);
        redis.opsForValue().set(keys.starts(task.jobId(), task.worker(), task.run(), task.attempt()), "3");

        assertThat(processor.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(handler.calls.get()).isZero();
        List<JobEvent> events = events(2);
        assertThat(events).extracting(JobEvent::type).containsExactly(EventType.TASK_FAILED, EventType.TASK_RETRYING);
        assertThat(events.get(0).error()).contains("stopped 3 times");
        assertThat(state.currentJobs()).isEmpty();
    }

    @Test
    void errorsNeverShowServerPaths() {
        TaskMessage task = task(3, 3);
        Path missing = storage.resolve("uploads/alice/gone.jpg").toAbsolutePath();
        handler.script.add(ctx -> {
            throw new java.nio.file.NoSuchFileException(missing.toString());
        });
        handler.script.add(ctx -> {
            throw new IllegalStateException("cannot read " + missing + " at all");
        });
        processor.process(Json.write(task));
        String first = events(3).get(1).error();
        processor.process(Json.write(task(3, 3)));
        String second = events(3).get(1).error();
        assertThat(first).isEqualTo("NoSuchFileException gone.jpg");
        assertThat(second).isEqualTo("cannot read uploads/alice/gone.jpg at all");
        assertThat(first + second).doesNotContain(storage.toString());
    }

    @Test
    void aTaskThatCannotBeSettledGoesBackToItsQueue() throws Exception {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory("127.0.0.1", closedPort());
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            TaskProcessor withoutRedis = new TaskProcessor(handler, new EventPublisher(rabbit, Duration.ofSeconds(5)),
                    new TaskFlags(new StringRedisTemplate(nowhere), keys, Duration.ofMinutes(5)), state, storage, DELAYS);
            TaskListener listener = new TaskListener(withoutRedis);
            rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.IMAGE.routingKey(), new Message(Json.write(task(1, 3)), new MessageProperties()));
            rabbit.execute(channel -> {
                var response = channel.basicGet(WorkerKind.IMAGE.queue(), false);
                assertThat(response).isNotNull();
                MessageProperties props = new MessageProperties();
                props.setDeliveryTag(response.getEnvelope().getDeliveryTag());
                listener.onMessage(new Message(response.getBody(), props), channel);
                return null;
            });
            Message back = rabbit.receive(WorkerKind.IMAGE.queue(), 3000);
            assertThat(back).as("handed back, not held").isNotNull();
            assertThat(back.getMessageProperties().getRedelivered()).isTrue();
            assertThat(handler.calls.get()).isZero();
        } finally {
            nowhere.destroy();
        }
    }

    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private TaskMessage task(int attempt, int maxAttempts) {
        UUID media = UUID.randomUUID();
        return new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO, WorkerKind.IMAGE,
                "uploads/alice/in.jpg", "processed/alice/" + media, List.of(Operation.THUMBNAIL), 5, 1, attempt,
                maxAttempts, "00", Instant.now());
    }

    private List<EventType> eventTypes(int count) {
        return events(count).stream().map(JobEvent::type).toList();
    }

    private List<JobEvent> events(int count) {
        List<JobEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message m = rabbit.receive(eventsQueue, 3000);
            assertThat(m).as("event %d of %d", i + 1, count).isNotNull();
            events.add(Json.read(m.getBody(), JobEvent.class));
        }
        return events;
    }

    interface Step {
        Map<String, VariantResult> run(TaskContext ctx) throws Exception;
    }

    static final class ScriptedHandler implements TaskHandler {
        final List<Step> script = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public WorkerKind kind() {
            return WorkerKind.IMAGE;
        }

        @Override
        public Map<String, VariantResult> handle(TaskContext context) throws Exception {
            return script.get(calls.getAndIncrement()).run(context);
        }
    }
}
