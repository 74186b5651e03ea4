package dev.mediaflow.worker;

import com.rabbitmq.client.Channel;
import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.ConfirmedSender;
import dev.mediaflow.messages.CorrelationId;
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
import dev.mediaflow.observability.LogContext;
import dev.mediaflow.testsupport.RabbitVhost;
import dev.mediaflow.worker.meters.TaskMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;
import org.slf4j.MDC;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    private TaskFlags flags;
    private AttemptClaims claims;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private TaskProcessor processor(TaskFlags taskFlags, AttemptClaims attemptClaims) {
        return new TaskProcessor(handler, new EventPublisher(new ConfirmedSender(rabbit, Duration.ofSeconds(5))),
                taskFlags, attemptClaims, state, new TaskMeters(meters, WorkerKind.IMAGE), storage, DELAYS,
                Duration.ZERO);
    }

    /** {@code mediaflow_tasks_total{outcome,kind="image"}} as this test's processor counted it. */
    private double tasks(String outcome) {
        return meters.get("mediaflow.tasks").tags("outcome", outcome, "kind", "image").counter().count();
    }

    private Map<String, Double> outcomes() {
        Map<String, Double> all = new java.util.TreeMap<>();
        for (String outcome : List.of("succeeded", "failed", "retrying", "dead", "cancelled")) {
            all.put(outcome, tasks(outcome));
        }
        return all;
    }

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
        flags = new TaskFlags(redis, keys, Duration.ofMinutes(5));
        claims = new AttemptClaims(redis, keys, Duration.ofMinutes(5));
        processor = processor(flags, claims);
        Files.createDirectories(storage.resolve("uploads/alice"));
    }

    @AfterEach
    void tearDown() {
        MDC.clear(); // processor.process outside TaskListener's scope leaves the job id behind
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
    void successPublishesStartedThenSucceededAndARedeliveryOnlySendsTheSuccessAgain() {
        TaskMessage task = task(1, 3);
        handler.script.add(ctx -> {
            ctx.checkpoint();
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "webp");
            return Map.of("thumbnail", VariantResult.of(32, 24, 4));
        });

        assertThat(processor.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);
        List<JobEvent> first = events(2);
        assertThat(first).extracting(JobEvent::type).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
        assertThat(Files.exists(storage.resolve("processed/alice/" + task.mediaItemId() + "/thumbnail.webp"))).isTrue();
        assertThat(state.processed()).isEqualTo(1);
        assertThat(storage.resolve("staging/image")).isEmptyDirectory();
        assertThat(outcomes()).containsEntry("succeeded", 1.0).containsEntry("failed", 0.0);
        var duration = meters.get("mediaflow.task.duration")
                .tags("kind", "image", "operation", "thumbnail", "media_type", "photo").timer();
        assertThat(duration.count()).isEqualTo(1);

        // a run found already done sends its task.succeeded again (the first may have been lost), with
        // the same results, and does not run the handler (nor counts it again)
        assertThat(processor.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(handler.calls.get()).isEqualTo(1);
        assertThat(tasks("succeeded")).isEqualTo(1);
        JobEvent again = events(1).get(0);
        assertThat(again.type()).isEqualTo(EventType.TASK_SUCCEEDED);
        assertThat(again.results()).isEqualTo(first.get(1).results());
        assertThat(again.run()).isEqualTo(task.run());
        assertThat(rabbit.receive(eventsQueue, 300)).isNull();
    }

    @Test
    void aCopyOfAnAttemptThatAnotherCopyTookIsDroppedWithoutRunningOrAnyEvent() {
        TaskMessage task = task(1, 3);
        handler.script.add(ctx -> {
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "webp");
            return Map.of("thumbnail", VariantResult.of(32, 24, 4));
        });
        // the first copy (0) is running elsewhere: it holds the attempt's claim
        AttemptClaims elsewhere = new AttemptClaims(redis, keys, Duration.ofMinutes(5));
        assertThat(elsewhere.claim(task, 0)).isZero();

        // priority aging's copy at AMQP priority 6 arrives meanwhile
        assertThat(processor.process(Json.write(task), 6)).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(handler.calls.get()).isZero();
        assertThat(rabbit.receive(eventsQueue, 300)).as("no event for a dropped copy").isNull();
        assertThat(outcomes().values()).allMatch(count -> count == 0.0);

        // the copy that took it is redelivered (its worker lost the connection): it runs, once
        elsewhere.release(task);
        assertThat(processor.process(Json.write(task), 0)).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(handler.calls.get()).isEqualTo(1);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);

        // a copy that comes later still: the attempt is done, so only its task.succeeded is sent again
        assertThat(processor.process(Json.write(task), 7)).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(handler.calls.get()).isEqualTo(1);
        assertThat(eventTypes(1)).containsExactly(EventType.TASK_SUCCEEDED);
    }

    @Test
    void theAgedCopyThatArrivesFirstRunsAndTheOriginalIsDroppedWhileItRuns() {
        TaskMessage task = task(1, 3);
        AtomicInteger originalOutcome = new AtomicInteger(-1);
        handler.script.add(ctx -> {
            // while the aged copy runs, the original copy of the same attempt is delivered to another consumer
            originalOutcome.set(processor.process(Json.write(task), 0).ordinal());
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "webp");
            return Map.of("thumbnail", VariantResult.of(32, 24, 4));
        });

        assertThat(processor.process(Json.write(task), 8)).isEqualTo(TaskProcessor.Outcome.ACK);

        assertThat(originalOutcome.get()).isEqualTo(TaskProcessor.Outcome.ACK.ordinal());
        assertThat(handler.calls.get()).as("the work ran once").isEqualTo(1);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
        assertThat(rabbit.receive(eventsQueue, 300)).isNull();
        assertThat(tasks("succeeded")).isEqualTo(1);
    }

    @Test
    void theListenerReadsTheCopyFromTheAgedMessagesHeader() throws Exception {
        TaskMessage task = task(1, 3);
        Message aged = AmqpMessages.agedTask(task, null, 7);
        assertThat(aged.getMessageProperties().getPriority()).isEqualTo(7);
        assertThat(AmqpMessages.copyOf(aged)).isEqualTo(7);
        assertThat(AmqpMessages.copyOf(AmqpMessages.task(task))).isZero();
        // the first copy runs elsewhere: the listener acknowledges the aged one without running it
        new AttemptClaims(redis, keys, Duration.ofMinutes(5)).claim(task, 0);
        Channel channel = Mockito.mock(Channel.class);
        aged.getMessageProperties().setDeliveryTag(11);

        new TaskListener(processor, state).onMessage(aged, channel);

        Mockito.verify(channel).basicAck(11, false);
        assertThat(handler.calls.get()).isZero();
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
        // returned normally, but counted as what it was: a failure that will be retried, not a success
        assertThat(outcomes()).containsEntry("failed", 1.0).containsEntry("retrying", 1.0)
                .containsEntry("succeeded", 0.0).containsEntry("dead", 0.0);
        assertThat(meters.find("mediaflow.task.duration").timer()).as("failures stay out of the histogram").isNull();

        // the wait queue's TTL dead-letters it back onto the task queue, keeping its priority
        Message back = rabbit.receive(WorkerKind.IMAGE.queue(), 5000);
        assertThat(back).isNotNull();
        TaskMessage retried = Json.read(back.getBody(), TaskMessage.class);
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.jobId()).isEqualTo(task.jobId());
        assertThat(back.getMessageProperties().getPriority()).isEqualTo(9);
    }

    @Test
    void theDeliverysCorrelationIdIsInMdcWhileTheTaskRunsAndOnEveryEventAndRetryItCauses() throws Exception {
        TaskMessage task = task(1, 3);
        List<String> seenInMdc = new ArrayList<>();
        handler.script.add(ctx -> {
            seenInMdc.add(MDC.get(LogContext.CORRELATION_ID) + " " + MDC.get(LogContext.JOB_ID));
            throw new IllegalStateException("cannot decode image");
        });
        Channel channel = Mockito.mock(Channel.class);
        Message delivery = AmqpMessages.task(task, "upload-corr-9");
        delivery.getMessageProperties().setDeliveryTag(7);

        new TaskListener(processor, state).onMessage(delivery, channel);

        Mockito.verify(channel).basicAck(7, false);
        assertThat(seenInMdc).containsExactly("upload-corr-9 " + task.jobId());
        assertThat(MDC.getCopyOfContextMap()).as("nothing left for the thread's next task").isNullOrEmpty();
        for (int i = 0; i < 3; i++) { // started, failed, retrying
            Message event = rabbit.receive(eventsQueue, 3000);
            assertThat(event).isNotNull();
            assertThat(CorrelationId.of(event)).contains("upload-corr-9");
        }
        Message retried = rabbit.receive(WorkerKind.IMAGE.queue(), 5000);
        assertThat(retried).isNotNull();
        assertThat(CorrelationId.of(retried)).contains("upload-corr-9");
        assertThat(Json.read(retried.getBody(), TaskMessage.class).attempt()).isEqualTo(2);
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
        assertThat(outcomes()).containsEntry("failed", 1.0).containsEntry("dead", 1.0)
                .containsEntry("retrying", 0.0).containsEntry("succeeded", 0.0);
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
        assertThat(outcomes()).containsEntry("cancelled", 2.0).containsEntry("succeeded", 0.0)
                .containsEntry("failed", 0.0);

        // a retry starts run 2, which the old cancel flag does not stop
        handler.script.add(ctx -> Map.of());
        TaskMessage rerun = new TaskMessage(running.jobId(), running.mediaItemId(), "alice", MediaType.PHOTO,
                WorkerKind.IMAGE, running.inputPath(), running.outputDir(), running.operations(), 5, 2, 1, 3, "00",
                Instant.now());
        assertThat(processor.process(Json.write(rerun))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
    }

    @Test
    void aPathOutsideTheStorageRootIsParkedOnItsFirstAttempt() {
        UUID media = UUID.randomUUID();
        TaskMessage hostile = new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO,
                WorkerKind.IMAGE, "../../etc/passwd", "processed/alice/" + media, List.of(Operation.THUMBNAIL), 5, 1, 1, 3,
                "00", Instant.now());
        assertThat(processor.process(Json.write(hostile))).isEqualTo(TaskProcessor.Outcome.REJECT);
        assertThat(handler.calls.get()).isZero();
        List<JobEvent> events = events(2);
        assertThat(events).extracting(JobEvent::type).containsExactly(EventType.TASK_FAILED, EventType.TASK_DEAD);
        assertThat(events.get(1).error()).contains("inputPath is not uploads/alice/" + media);
        assertThat(outcomes()).containsEntry("failed", 1.0).containsEntry("dead", 1.0);
    }

    @Test
    void anAttemptThatKilledItsWorkerThreeTimesFailsInsteadOfRunningAgain() {
        TaskMessage task = task(1, 3);
        // three processes claimed it and vanished without releasing it (kill -9)
        for (int i = 0; i < 3; i++) {
            new AttemptClaims(redis, keys, Duration.ofMinutes(5)).claim(task);
        }

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
            StringRedisTemplate unreachable = new StringRedisTemplate(nowhere);
            TaskProcessor withoutRedis = processor(new TaskFlags(unreachable, keys, Duration.ofMinutes(5)),
                    new AttemptClaims(unreachable, keys, Duration.ofMinutes(5)));
            TaskListener listener = new TaskListener(withoutRedis, state);
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

    @Test
    void cancellingASecondJobOfTheSameMediaItemKeepsTheFirstJobsResults() throws Exception {
        TaskMessage first = task(1, 3);
        handler.script.add(ctx -> {
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "first job's thumbnail");
            return Map.of("thumbnail", VariantResult.of(32, 24, 21));
        });
        assertThat(processor.process(Json.write(first))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
        Path thumbnail = storage.resolve(first.outputDir()).resolve("thumbnail.webp");
        assertThat(thumbnail).hasContent("first job's thumbnail");

        // a second job of the same media item (POST /api/queue/enqueue/{mediaItemId}), cancelled while it runs
        TaskMessage second = new TaskMessage(UUID.randomUUID(), first.mediaItemId(), "alice", MediaType.PHOTO,
                WorkerKind.IMAGE, first.inputPath(), first.outputDir(), first.operations(), 5, 1, 1, 3, "00", Instant.now());
        handler.script.add(ctx -> {
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "second job's partial thumbnail");
            redis.opsForValue().set(keys.cancel(second.jobId()), "1");
            ctx.checkpoint();
            return Map.of();
        });
        assertThat(processor.process(Json.write(second))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_CANCELLED);

        assertThat(thumbnail).as("the first job's variant survives the second job's cancel")
                .hasContent("first job's thumbnail");
        assertThat(storage.resolve("staging/image")).isEmptyDirectory();
    }

    @Test
    void aRedisErrorAtACancellationCheckHandsTheTaskBackWithoutUsingAnAttempt() throws Exception {
        TaskMessage task = task(1, 3);
        // a real Redis error (WRONGTYPE) at the checkpoint, three times in a row, then Redis is fine again
        for (int i = 0; i < 3; i++) {
            handler.script.add(ctx -> {
                Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "partial");
                redis.opsForHash().put(keys.cancel(task.jobId()), "broken", "1");
                ctx.checkpoint();
                return Map.of();
            });
        }
        handler.script.add(ctx -> {
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "webp");
            return Map.of("thumbnail", VariantResult.of(32, 24, 4));
        });
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> processor.process(Json.write(task))).isInstanceOf(InfrastructureException.class);
            assertThat(eventTypes(1)).containsExactly(EventType.TASK_STARTED);
            assertThat(rabbit.receive(eventsQueue, 300)).as("no failure, no retry").isNull();
            assertThat(storage.resolve("staging/image")).isEmptyDirectory();
            redis.delete(keys.cancel(task.jobId()));
        }
        assertThat(outcomes().values()).as("a hand-back is no outcome").containsOnly(0.0);
        // the same attempt, handed back three times, is neither failed nor counted as a worker death
        assertThat(processor.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
        assertThat(state.failed()).isZero();
        assertThat(storage.resolve(task.outputDir()).resolve("thumbnail.webp")).hasContent("webp");
    }

    @Test
    void aCancelFlagThatIsNoRunNumberHandsTheTaskBackBeforeItStartsOrClaimsAnything() {
        TaskMessage task = task(1, 3);
        redis.opsForValue().set(keys.cancel(task.jobId()), "not a run");

        assertThatThrownBy(() -> processor.process(Json.write(task))).isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("not a run number");

        assertThat(handler.calls.get()).isZero();
        assertThat(rabbit.receive(eventsQueue, 300)).as("no event").isNull();
        assertThat(redis.hasKey(keys.attempt(task.jobId(), task.worker(), task.run(), task.attempt()))).isFalse();
        redis.delete(keys.cancel(task.jobId()));
    }

    @Test
    void aDoneFlagThatHoldsNoEventLetsTheTaskRunAgainClaimedAsBefore() {
        TaskMessage task = task(1, 3);
        redis.opsForValue().set(keys.taskDone(task.jobId(), task.worker(), task.run()), "garbage");
        handler.script.add(ctx -> {
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "webp");
            return Map.of("thumbnail", VariantResult.of(32, 24, 4));
        });

        assertThat(processor.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);

        assertThat(handler.calls.get()).isEqualTo(1);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
        assertThat(redis.opsForHash().get(keys.attempt(task.jobId(), task.worker(), task.run(), task.attempt()),
                "deaths")).isEqualTo("0");
    }

    @Test
    void aFailedDoneFlagAfterASuccessIsNeitherARetryNorADeadLetter() {
        TaskMessage task = task(3, 3);
        handler.script.add(ctx -> {
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "webp");
            return Map.of("thumbnail", VariantResult.of(32, 24, 4));
        });
        // Redis refuses the done flag's SET: an expiry past the end of time is a real server error
        TaskProcessor refusingDone = processor(new TaskFlags(redis, keys, Duration.ofMillis(Long.MAX_VALUE)), claims);
        assertThat(refusingDone.process(Json.write(task))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
        assertThat(rabbit.receive(eventsQueue, 300)).isNull();
        assertThat(state.failed()).isZero();
        assertThat(storage.resolve(task.outputDir()).resolve("thumbnail.webp")).hasContent("webp");
        assertThat(redis.hasKey(keys.taskDone(task.jobId(), task.worker(), task.run()))).as("the SET really failed").isFalse();
    }

    @Test
    void aTaskBackFromABrokerRestartIsNoWorkerDeathButOneFromAVanishedHolderIs() {
        TaskMessage task = task(1, 3);
        AttemptClaims crashed = new AttemptClaims(redis, keys, Duration.ofMinutes(5));
        AttemptClaims disconnected = new AttemptClaims(redis, keys, Duration.ofMinutes(5));
        AttemptClaims next = new AttemptClaims(redis, keys, Duration.ofMinutes(5));

        assertThat(disconnected.claim(task)).isZero();
        disconnected.releaseAll(); // its broker connection dropped: the broker requeues, the process lives
        assertThat(next.claim(task)).as("redelivery after a broker restart").isZero();
        assertThat(next.claim(task)).as("its own task back").isZero();
        next.release(task);

        assertThat(crashed.claim(task)).isZero();
        // killed: never released
        assertThat(next.claim(task)).as("redelivery after a kill -9").isEqualTo(1);
    }

    @Test
    void anUnreadableTaskWithAReadableJobIdIsParkedWithATaskDeadEvent() {
        UUID jobId = UUID.randomUUID();
        String body = "{\"jobId\":\"" + jobId + "\",\"run\":2,\"attempt\":1,\"maxAttempts\":3,\"operations\":\"not a list\"}";
        assertThat(processor.process(body.getBytes())).isEqualTo(TaskProcessor.Outcome.REJECT);
        JobEvent dead = events(1).get(0);
        assertThat(dead.type()).isEqualTo(EventType.TASK_DEAD);
        assertThat(dead.jobId()).isEqualTo(jobId);
        assertThat(dead.worker()).isEqualTo(WorkerKind.IMAGE);
        assertThat(dead.run()).isEqualTo(2);
        assertThat(dead.error()).startsWith("unreadable task message");

        // the good case next to it: not even a jobId, parked without an event
        assertThat(processor.process("{not json".getBytes())).isEqualTo(TaskProcessor.Outcome.REJECT);
        assertThat(rabbit.receive(eventsQueue, 300)).isNull();
        assertThat(handler.calls.get()).isZero();
        assertThat(outcomes()).containsEntry("dead", 2.0).containsEntry("failed", 0.0);
    }

    @Test
    void aForgedTaskReadingAnotherOwnersUploadIsParkedAndWritesNothing() throws Exception {
        UUID bobsItem = UUID.randomUUID();
        Files.createDirectories(storage.resolve("uploads/bob"));
        Files.writeString(storage.resolve("uploads/bob/" + bobsItem + ".jpg"), "bob's photo");
        UUID alicesItem = UUID.randomUUID();
        handler.script.add(ctx -> {
            Files.writeString(ctx.outputDir().resolve("thumbnail.webp"), "bob's photo as alice's thumbnail");
            return Map.of("thumbnail", VariantResult.of(32, 24, 4));
        });
        TaskMessage forged = new TaskMessage(UUID.randomUUID(), alicesItem, "alice", MediaType.PHOTO, WorkerKind.IMAGE,
                "uploads/bob/" + bobsItem + ".jpg", "processed/alice/" + alicesItem, List.of(Operation.THUMBNAIL),
                5, 1, 1, 3, "00", Instant.now());

        assertThat(processor.process(Json.write(forged))).isEqualTo(TaskProcessor.Outcome.REJECT);
        List<JobEvent> events = events(2);
        assertThat(events).extracting(JobEvent::type).containsExactly(EventType.TASK_FAILED, EventType.TASK_DEAD);
        assertThat(events.get(1).error()).contains("inputPath is not uploads/alice/" + alicesItem);
        assertThat(handler.calls.get()).isZero();
        assertThat(storage.resolve("processed")).doesNotExist();
        assertThat(storage.resolve("staging")).doesNotExist();

        // the same task with its own paths runs
        TaskMessage own = new TaskMessage(forged.jobId(), alicesItem, "alice", MediaType.PHOTO, WorkerKind.IMAGE,
                "uploads/alice/" + alicesItem + ".jpg", "processed/alice/" + alicesItem, List.of(Operation.THUMBNAIL),
                5, 1, 1, 3, "00", Instant.now());
        assertThat(processor.process(Json.write(own))).isEqualTo(TaskProcessor.Outcome.ACK);
        assertThat(eventTypes(2)).containsExactly(EventType.TASK_STARTED, EventType.TASK_SUCCEEDED);
        // an outputDir of another item is refused too
        TaskMessage otherFolder = new TaskMessage(UUID.randomUUID(), alicesItem, "alice", MediaType.PHOTO, WorkerKind.IMAGE,
                "uploads/alice/" + alicesItem + ".jpg", "processed/alice/" + UUID.randomUUID(), List.of(Operation.THUMBNAIL),
                5, 1, 1, 3, "00", Instant.now());
        assertThat(processor.process(Json.write(otherFolder))).isEqualTo(TaskProcessor.Outcome.REJECT);
        assertThat(events(2).get(1).error()).contains("outputDir is not processed/alice/" + alicesItem);
    }

    @Test
    void anEventNoQueueTakesHandsTheTaskBackInsteadOfCountingAsSent() {
        rabbit.execute(channel -> {
            channel.queueUnbind(eventsQueue, Topology.EVENTS_EXCHANGE, "task.#");
            channel.queueUnbind(Topology.EVENTS_QUEUE, Topology.EVENTS_EXCHANGE, "#");
            return null;
        });
        handler.script.add(ctx -> Map.of());
        assertThatThrownBy(() -> processor.process(Json.write(task(1, 3))))
                .isInstanceOf(InfrastructureException.class)
                .hasRootCauseInstanceOf(dev.mediaflow.messages.UnroutableMessageException.class);
        assertThat(handler.calls.get()).as("task.started was not routed, so nothing ran").isZero();
    }

    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A task of a new media item of alice's, with its upload in place. */
    private TaskMessage task(int attempt, int maxAttempts) {
        UUID media = UUID.randomUUID();
        String input = "uploads/alice/" + media + ".jpg";
        try {
            Files.writeString(storage.resolve(input), "pretend image");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO, WorkerKind.IMAGE,
                input, "processed/alice/" + media, List.of(Operation.THUMBNAIL), 5, 1, attempt,
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
