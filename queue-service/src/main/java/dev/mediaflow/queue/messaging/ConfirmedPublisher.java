package dev.mediaflow.queue.messaging;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.ConfirmedSender;
import dev.mediaflow.messages.ConfirmedSender.Outgoing;
import dev.mediaflow.messages.ControlCommand;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.observability.LogContext;
import dev.mediaflow.queue.config.MediaflowProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.List;

/**
 * Persistent JSON messages, published on one channel and confirmed by the broker before it returns;
 * tasks are {@code mandatory} (one that no queue takes is an error, not silence), pause / resume is a
 * broadcast that may have no worker to hear it (the Redis flag is what a later worker reads).
 */
@Component
public class ConfirmedPublisher {

    private static final Logger log = LoggerFactory.getLogger(ConfirmedPublisher.class);

    private final ConfirmedSender sender;

    public ConfirmedPublisher(RabbitTemplate rabbit, MediaflowProperties properties,
                              ObjectProvider<ObservationRegistry> observations) {
        this.sender = new ConfirmedSender(rabbit, properties.publishTimeout(),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /**
     * One message per task to {@code mediaflow.tasks}, with the AMQP priority of the job's priority and
     * the task's correlation id in its header (and on the line that logs it).
     */
    public Mono<Void> publishTasks(List<OutgoingTask> tasks) {
        return Mono.<Void>fromRunnable(() -> {
            List<Outgoing> outgoing = tasks.stream()
                    .map(t -> Outgoing.routed(Topology.TASKS_EXCHANGE, t.task().worker().routingKey(),
                            t.agedPriority() == null ? AmqpMessages.task(t.task(), t.correlationId())
                                    : AmqpMessages.agedTask(t.task(), t.correlationId(), t.agedPriority())))
                    .toList();
            send(outgoing);
            for (OutgoingTask t : tasks) {
                TaskMessage task = t.task();
                try (LogContext scope = LogContext.job(task.jobId(), t.correlationId())) {
                    log.info("Published {} task of job {} (run {}, attempt {}, priority {}{})", task.worker().json(),
                            task.jobId(), task.run(), task.attempt(), task.priority(),
                            t.agedPriority() == null ? "" : ", aged to AMQP priority " + t.agedPriority());
                }
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** A pause / resume for every worker instance on the {@code mediaflow.control} fanout exchange. */
    public Mono<Void> publishControl(ControlCommand command) {
        return Mono.<Void>fromRunnable(() -> send(List.of(
                        Outgoing.broadcast(Topology.CONTROL_EXCHANGE, "",
                                AmqpMessages.json(command, "control:" + command.at(), null)))))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private void send(List<Outgoing> outgoing) {
        try {
            sender.send(outgoing);
        } catch (RuntimeException e) {
            throw new BrokerUnavailableException("RabbitMQ did not confirm the publish: " + e.getMessage(), e);
        }
    }
}
