package dev.mediaflow.messages;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ReturnListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.support.micrometer.RabbitMessageSenderContext;
import org.springframework.amqp.rabbit.support.micrometer.RabbitTemplateObservation;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How every service publishes (worker events and retries, the gateway's jobs, queue-service's tasks):
 * all messages of one call on one channel, {@code mandatory} where a queue must receive them, then
 * wait for the broker's confirms. A message that no queue took comes back as a return, and the call
 * fails with {@link UnroutableMessageException}: a confirm alone only says the exchange accepted it,
 * so without {@code mandatory} a missing binding would lose the message in silence.
 *
 * <p>The return listener lives on the channel for this one call, so it does not fight over the
 * template's single returns callback. The broker sends {@code basic.return} before the
 * {@code basic.ack} of the same message, and the client handles both on one thread in that order,
 * so every return has arrived once the confirms have.
 *
 * <p>Each message is one observation, the one {@code RabbitTemplate} itself would make
 * ({@code spring.rabbit.template}), from before its publish until its confirm. With tracing on, that
 * is a span, child of whatever is current (the upload's request, the task in hand), and starting it
 * writes the trace into the message's headers ({@code traceparent}): the consumer's span continues the
 * trace across the broker. The publish goes through the channel, not the template, because of the
 * per-call return listener above, so the template's own observation would not run.
 *
 * <p>Needs a connection factory with simple publisher confirms
 * ({@code spring.rabbitmq.publisher-confirm-type: simple}).
 */
public final class ConfirmedSender {

    private static final MessagePropertiesConverter PROPERTIES = new DefaultMessagePropertiesConverter();

    private static final String NAME = "confirmedSender";

    private final RabbitTemplate rabbit;
    private final Duration timeout;
    private final ObservationRegistry observations;

    /** Without observations: no span, no trace header (tests, tools). */
    public ConfirmedSender(RabbitTemplate rabbit, Duration timeout) {
        this(rabbit, timeout, ObservationRegistry.NOOP);
    }

    public ConfirmedSender(RabbitTemplate rabbit, Duration timeout, ObservationRegistry observations) {
        this.rabbit = rabbit;
        this.timeout = timeout;
        this.observations = observations;
    }

    /** One message to publish. */
    public record Outgoing(String exchange, String routingKey, Message message, boolean mandatory) {

        /** A message that must reach a queue (a task, an event): unroutable is an error. */
        public static Outgoing routed(String exchange, String routingKey, Message message) {
            return new Outgoing(exchange, routingKey, message, true);
        }

        /**
         * A broadcast that may have no listener now (a pause when no worker runs: the flag in Redis
         * is what a later worker reads), so unroutable is fine.
         */
        public static Outgoing broadcast(String exchange, String routingKey, Message message) {
            return new Outgoing(exchange, routingKey, message, false);
        }
    }

    public void send(Outgoing... messages) {
        send(List.of(messages));
    }

    /**
     * Returns only when the broker confirmed every message and routed every mandatory one.
     *
     * @throws UnroutableMessageException when a mandatory message reached no queue
     * @throws org.springframework.amqp.AmqpException when the broker is unreachable, nacks or does not
     *                                                confirm in time
     */
    public void send(List<Outgoing> messages) {
        // started before the properties are copied below: starting one is what writes the trace header
        List<Observation> sends = messages.stream().map(this::observation).map(Observation::start).toList();
        try {
            publishAndConfirm(messages);
        } catch (RuntimeException e) {
            sends.forEach(send -> send.error(e));
            throw e;
        } finally {
            sends.forEach(Observation::stop);
        }
    }

    private Observation observation(Outgoing o) {
        return RabbitTemplateObservation.TEMPLATE_OBSERVATION.observation(null,
                RabbitTemplateObservation.DefaultRabbitTemplateObservationConvention.INSTANCE,
                () -> new RabbitMessageSenderContext(o.message(), NAME, o.exchange(), o.routingKey()), observations);
    }

    private void publishAndConfirm(List<Outgoing> messages) {
        List<String> returned = new CopyOnWriteArrayList<>();
        rabbit.execute(channel -> {
            ReturnListener listener = (replyCode, replyText, exchange, routingKey, properties, body) ->
                    returned.add("'" + exchange + "' with routing key '" + routingKey + "' (" + replyText + ")");
            channel.addReturnListener(listener);
            try {
                for (Outgoing o : messages) {
                    AMQP.BasicProperties props = PROPERTIES.fromMessageProperties(
                            o.message().getMessageProperties(), StandardCharsets.UTF_8.name());
                    channel.basicPublish(o.exchange(), o.routingKey(), o.mandatory(), props, o.message().getBody());
                }
                channel.waitForConfirmsOrDie(timeout.toMillis());
            } finally {
                channel.removeReturnListener(listener);
            }
            return null;
        });
        if (!returned.isEmpty()) {
            throw new UnroutableMessageException("no queue took the message(s) published to " + String.join(", ", returned));
        }
    }
}
