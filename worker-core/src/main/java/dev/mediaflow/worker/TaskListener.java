package dev.mediaflow.worker;

import com.rabbitmq.client.Channel;
import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.CorrelationId;
import dev.mediaflow.observability.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settles each delivery manually, after {@link TaskProcessor} has confirmed its events. While a
 * delivery is handled, the correlation id in its header is in MDC ({@link LogContext}): every log line
 * of the task carries it, and {@link EventPublisher} stamps it on the task's events and retries.
 */
class TaskListener implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(TaskListener.class);
    static final Duration FIRST_BACK_OFF = Duration.ofSeconds(1);
    static final Duration MAX_BACK_OFF = Duration.ofSeconds(30);

    private final TaskProcessor processor;
    private final WorkerState state;
    /** Hand-backs in a row: the back-off doubles with each, so a long outage is not a busy loop. */
    private final AtomicInteger troubleInARow = new AtomicInteger();

    TaskListener(TaskProcessor processor, WorkerState state) {
        this.processor = processor;
        this.state = state;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        try (LogContext scope = LogContext.correlation(CorrelationId.of(message).orElse(null))) {
            settle(message, channel);
        }
    }

    private void settle(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        if (state.paused()) {
            // a delivery that raced a pause (one that arrived while reconnecting, say): not ours to start
            channel.basicNack(tag, false, true);
            return;
        }
        TaskProcessor.Outcome outcome;
        try {
            outcome = processor.process(message.getBody(), AmqpMessages.copyOf(message));
        } catch (Throwable e) {
            // Redis or the broker failed: not the task's fault, so nothing was counted; hand it back
            // (after a back-off, not to spin while the dependency is down). With manual acks nothing
            // else would, and this consumer would hold it forever.
            Duration backOff = backOff(troubleInARow.incrementAndGet());
            log.warn("Task handed back to its queue in {} ms: {}", backOff.toMillis(), e.toString());
            sleep(backOff);
            channel.basicNack(tag, false, true);
            return;
        }
        troubleInARow.set(0);
        switch (outcome) {
            case ACK -> channel.basicAck(tag, false);
            case REJECT -> channel.basicReject(tag, false);
        }
    }

    static Duration backOff(int troubles) {
        long ms = FIRST_BACK_OFF.toMillis() << Math.min(Math.max(troubles - 1, 0), 10);
        return Duration.ofMillis(Math.min(ms, MAX_BACK_OFF.toMillis()));
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
