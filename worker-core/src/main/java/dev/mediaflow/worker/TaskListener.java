package dev.mediaflow.worker;

import com.rabbitmq.client.Channel;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

import java.io.IOException;

/** Settles each delivery manually, after {@link TaskProcessor} has confirmed its events. */
class TaskListener implements ChannelAwareMessageListener {

    private final TaskProcessor processor;

    TaskListener(TaskProcessor processor) {
        this.processor = processor;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        // An exception escaping process() (broker unreachable for an event) leaves the delivery
        // unsettled: the container closes the channel and RabbitMQ redelivers it.
        switch (processor.process(message.getBody())) {
            case ACK -> channel.basicAck(tag, false);
            case REJECT -> channel.basicReject(tag, false);
        }
    }
}
