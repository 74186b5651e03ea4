package dev.mediaflow.worker;

import com.rabbitmq.client.Channel;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/** Settles each delivery manually, after {@link TaskProcessor} has confirmed its events. */
class TaskListener implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(TaskListener.class);
    private static final Duration HAND_BACK_PAUSE = Duration.ofSeconds(1);

    private final TaskProcessor processor;

    TaskListener(TaskProcessor processor) {
        this.processor = processor;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        TaskProcessor.Outcome outcome;
        try {
            outcome = processor.process(message.getBody());
        } catch (Throwable e) {
            // Redis or the broker could not confirm: nothing was settled, so hand the task back
            // (after a pause, not to spin while the dependency is down); with manual acks nothing
            // else would, and this consumer would hold it forever
            log.warn("Task handed back to its queue: {}", e.toString());
            pause();
            channel.basicNack(tag, false, true);
            return;
        }
        switch (outcome) {
            case ACK -> channel.basicAck(tag, false);
            case REJECT -> channel.basicReject(tag, false);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(HAND_BACK_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
