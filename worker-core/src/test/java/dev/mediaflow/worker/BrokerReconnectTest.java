package dev.mediaflow.worker;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.ConfirmedSender;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.TopologyDeclarations;
import dev.mediaflow.messages.UnroutableMessageException;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.testsupport.RabbitVhost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a worker does when its broker connection really drops, and what an unroutable publish is. */
class BrokerReconnectTest {

    private RabbitVhost broker;
    private CachingConnectionFactory connections;
    private RabbitAdmin admin;
    private RabbitTemplate rabbit;
    private LettuceConnectionFactory redisConnections;
    private StringRedisTemplate redis;
    private RedisKeys keys;

    @BeforeEach
    void setUp() {
        broker = RabbitVhost.create("mediaflow-test");
        connections = new CachingConnectionFactory("127.0.0.1", 5672);
        connections.setVirtualHost(broker.name());
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        admin = new RabbitAdmin(connections);
        List<Declarable> all = TopologyDeclarations.all(List.of(Duration.ofSeconds(5))).getDeclarables().stream().toList();
        all.stream().filter(d -> d instanceof org.springframework.amqp.core.Exchange).forEach(d -> admin.declareExchange((org.springframework.amqp.core.Exchange) d));
        all.stream().filter(d -> d instanceof org.springframework.amqp.core.Queue).forEach(d -> admin.declareQueue((org.springframework.amqp.core.Queue) d));
        all.stream().filter(d -> d instanceof org.springframework.amqp.core.Binding).forEach(d -> admin.declareBinding((org.springframework.amqp.core.Binding) d));
        rabbit = new RabbitTemplate(connections);
        redisConnections = new LettuceConnectionFactory("127.0.0.1", 6379);
        redisConnections.afterPropertiesSet();
        redisConnections.start();
        redis = new StringRedisTemplate(redisConnections);
        keys = new RedisKeys("mediaflow-test-" + UUID.randomUUID() + ":");
    }

    @AfterEach
    void tearDown() {
        var leftovers = redis.keys(keys.prefix() + "*");
        if (leftovers != null && !leftovers.isEmpty()) {
            redis.delete(leftovers);
        }
        redisConnections.destroy();
        connections.destroy();
        broker.close();
    }

    @Test
    void aWorkerThatMissedAPauseWhileDisconnectedReadsTheFlagWhenItReconnects() throws Exception {
        AtomicInteger consumed = new AtomicInteger();
        SimpleMessageListenerContainer tasks = new SimpleMessageListenerContainer(connections);
        tasks.setQueueNames(WorkerKind.IMAGE.queue());
        tasks.setPrefetchCount(1);
        tasks.setRecoveryInterval(300);
        tasks.setAutoStartup(false);
        tasks.setMessageListener(m -> consumed.incrementAndGet());
        tasks.afterPropertiesSet();
        WorkerState state = new WorkerState("reconnect-test");
        TaskFlags flags = new TaskFlags(redis, keys, Duration.ofMinutes(5));
        WorkerControl control = new WorkerControl(tasks, new ReadyHandler(), flags, state);
        connections.addConnectionListener(new BrokerConnectionWatch(control, new AttemptClaims(redis, keys, Duration.ofMinutes(5))));
        // the control queue, as WorkerConfiguration makes it: exclusive to the connection
        AnonymousQueue controlQueue = new AnonymousQueue();
        admin.declareQueue(controlQueue);
        admin.declareBinding(BindingBuilder.bind(controlQueue).to(new FanoutExchange(Topology.CONTROL_EXCHANGE)));
        SimpleMessageListenerContainer controlContainer = new SimpleMessageListenerContainer(connections);
        controlContainer.setQueues(controlQueue);
        controlContainer.setRecoveryInterval(300);
        controlContainer.setMissingQueuesFatal(false);
        controlContainer.setAmqpAdmin(admin);
        controlContainer.setMessageListener(control);
        controlContainer.afterPropertiesSet();
        try {
            controlContainer.start();
            control.start();
            await("consuming", tasks::isRunning);
            sendTask();
            await("the first task consumed", () -> consumed.get() == 1);

            // the pause goes out while this worker is cut off: it only reaches Redis
            redis.opsForValue().set(keys.paused(), "1");
            assertThat(broker.closeConnections(Duration.ofSeconds(10))).isPositive();
            await("paused after reconnecting", () -> state.paused() && !tasks.isRunning());
            sendTask();
            Thread.sleep(1500);
            assertThat(consumed.get()).as("no task taken while paused").isEqualTo(1);

            // and a resume missed the same way
            redis.delete(keys.paused());
            assertThat(broker.closeConnections(Duration.ofSeconds(10))).isPositive();
            await("resumed after reconnecting", () -> !state.paused() && consumed.get() == 2);
        } finally {
            control.stop();
            controlContainer.stop();
        }
    }

    @Test
    void anUnroutableMessageIsAnErrorAndARoutedOneIsNot() {
        ConfirmedSender sender = new ConfirmedSender(rabbit, Duration.ofSeconds(5));
        admin.declareExchange(new TopicExchange("test.nowhere"));
        Message message = AmqpMessages.json(Map.of("x", 1), "m1", null);

        assertThatThrownBy(() -> sender.send(ConfirmedSender.Outgoing.routed("test.nowhere", "task.image", message)))
                .isInstanceOf(UnroutableMessageException.class)
                .hasMessageContaining("test.nowhere");
        // the good case beside it: a bound queue takes it, and the channel goes back to the cache clean
        sender.send(ConfirmedSender.Outgoing.routed(Topology.TASKS_EXCHANGE, WorkerKind.IMAGE.routingKey(), message));
        assertThat(rabbit.receive(WorkerKind.IMAGE.queue(), 3000)).isNotNull();
        // a broadcast may have no listener now
        sender.send(ConfirmedSender.Outgoing.broadcast("test.nowhere", "", message));
    }

    private void sendTask() {
        UUID media = UUID.randomUUID();
        TaskMessage task = new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO, WorkerKind.IMAGE,
                "uploads/alice/" + media + ".jpg", "processed/alice/" + media, List.of(Operation.THUMBNAIL), 5, 1, 1, 3,
                "00", Instant.now());
        rabbit.send(Topology.TASKS_EXCHANGE, WorkerKind.IMAGE.routingKey(), AmqpMessages.task(task));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static final class ReadyHandler implements TaskHandler {
        @Override
        public WorkerKind kind() {
            return WorkerKind.IMAGE;
        }

        @Override
        public Map<String, VariantResult> handle(TaskContext context) {
            return Map.of();
        }
    }
}
