package dev.mediaflow.worker;

import dev.mediaflow.messages.ConfirmedSender;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.TopologyDeclarations;
import dev.mediaflow.worker.files.StagingSweeper;
import dev.mediaflow.worker.meters.TaskMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;

/** Import this in a worker application that has exactly one {@link TaskHandler} bean. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(WorkerSettings.class)
public class WorkerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

    @Bean
    Declarables mediaflowTopology(WorkerSettings settings) {
        return TopologyDeclarations.all(settings.retryDelayList());
    }

    @Bean
    AnonymousQueue workerControlQueue() {
        return new AnonymousQueue();
    }

    @Bean
    Binding workerControlBinding(AnonymousQueue workerControlQueue) {
        return BindingBuilder.bind(workerControlQueue).to(new FanoutExchange(Topology.CONTROL_EXCHANGE));
    }

    @Bean
    WorkerState workerState(WorkerSettings settings, TaskHandler handler) {
        String id = settings.workerId().isBlank() ? defaultId(handler) : settings.workerId();
        return new WorkerState(id);
    }

    @Bean
    EventPublisher eventPublisher(RabbitTemplate rabbitTemplate, WorkerSettings settings,
                                  ObjectProvider<ObservationRegistry> observations) {
        return new EventPublisher(new ConfirmedSender(rabbitTemplate, settings.publishTimeout(),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP)));
    }

    @Bean
    TaskFlags taskFlags(StringRedisTemplate redis, WorkerSettings settings) {
        return new TaskFlags(redis, settings.redisKeys(), settings.doneFlagTtl());
    }

    @Bean
    AttemptClaims attemptClaims(StringRedisTemplate redis, WorkerSettings settings) {
        return new AttemptClaims(redis, settings.redisKeys(), settings.doneFlagTtl());
    }

    @Bean
    TaskMeters taskMeters(MeterRegistry registry, TaskHandler handler) {
        return new TaskMeters(registry, handler.kind());
    }

    @Bean
    WorkerStateMeters workerStateMeters(WorkerState state, TaskHandler handler) {
        return new WorkerStateMeters(state, handler.kind());
    }

    @Bean
    TaskProcessor taskProcessor(TaskHandler handler, EventPublisher events, TaskFlags flags, AttemptClaims claims,
                                WorkerState state, TaskMeters meters, WorkerSettings settings) {
        return new TaskProcessor(handler, events, flags, claims, state, meters, settings.storageRoot(),
                settings.retryDelayList(), settings.progressInterval());
    }

    @Bean
    StagingSweeper stagingSweeper(WorkerSettings settings) {
        return new StagingSweeper(settings.storageRoot(), settings.stagingStaleAfter(), Clock.systemUTC());
    }

    /**
     * Every new broker connection re-reads the pause flag (a command sent meanwhile was lost with the
     * exclusive control queue); every lost one releases this process's attempt claims (the broker
     * requeues those tasks, and their next start is no worker death).
     */
    @Bean
    BrokerConnectionWatch brokerConnectionWatch(ConnectionFactory connectionFactory, WorkerControl control,
                                                AttemptClaims claims) {
        BrokerConnectionWatch watch = new BrokerConnectionWatch(control, claims);
        connectionFactory.addConnectionListener(watch);
        return watch;
    }

    @Bean
    SimpleMessageListenerContainer taskContainer(ConnectionFactory connectionFactory, TaskProcessor processor,
                                                 TaskHandler handler, WorkerState state, WorkerSettings settings) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(handler.kind().queue());
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        // Spring's default prefetch of 250 would let one consumer hoard low-priority work
        container.setPrefetchCount(1);
        container.setConcurrentConsumers(settings.consumerCount());
        container.setMissingQueuesFatal(false);
        container.setDefaultRequeueRejected(true);
        // a pause lets the task in hand finish, however long it takes
        container.setShutdownTimeout(Long.MAX_VALUE / 2);
        container.setAutoStartup(false);
        container.setMessageListener(new TaskListener(processor, state));
        // its timer would say result="success" for every failed task (TaskProcessor settles failures itself);
        // mediaflow_tasks_total and mediaflow_task_duration_seconds (TaskMeters) count what really happened
        container.setMicrometerEnabled(false);
        // the observation, for its span only: with tracing on, a task's span continues the trace its message
        // carries (the upload's), and the events published while it runs carry it on. Its timer
        // (spring.rabbit.listener) is denied for the same reason as the one above (ObservabilityAutoConfiguration)
        container.setObservationEnabled(true);
        return container;
    }

    @Bean
    WorkerControl workerControl(SimpleMessageListenerContainer taskContainer, TaskHandler handler, TaskFlags flags,
                                WorkerState state) {
        return new WorkerControl(taskContainer, handler, flags, state);
    }

    @Bean
    SimpleMessageListenerContainer controlContainer(ConnectionFactory connectionFactory, AnonymousQueue workerControlQueue,
                                                    WorkerControl control) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueues(workerControlQueue);
        container.setMissingQueuesFatal(false);
        container.setMessageListener(control);
        // no spring_rabbitmq_listener timer here either: it would appear on the first pause, resume or cancel and
        // read as the task listener's on a dashboard; the worker's own meters say what it did
        container.setMicrometerEnabled(false);
        return container;
    }

    @Bean
    Heartbeat heartbeat(StringRedisTemplate redis, WorkerSettings settings, WorkerState state, TaskHandler handler) {
        log.info("Worker {} ({}) consumes {} with {} consumer(s), prefetch 1, device {}", state.id(),
                handler.kind().json(), handler.kind().queue(), settings.consumerCount(), handler.device());
        return new Heartbeat(redis, settings.redisKeys(), state, handler.kind(), handler.device(),
                settings.heartbeatInterval());
    }

    @Bean
    org.springframework.boot.health.contributor.HealthIndicator workerHealth(WorkerState state, TaskHandler handler) {
        return () -> org.springframework.boot.health.contributor.Health.up()
                .withDetails(Map.of("id", state.id(), "kind", handler.kind().json(), "device", handler.device(),
                        "state", state.paused() ? "paused" : "running",
                        "processed", state.processed(), "failed", state.failed()))
                .build();
    }

    private static String defaultId(TaskHandler handler) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return handler.kind().json() + "-" + host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
