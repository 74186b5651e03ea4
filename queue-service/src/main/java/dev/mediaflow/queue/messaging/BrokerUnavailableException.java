package dev.mediaflow.queue.messaging;

/** RabbitMQ did not confirm a publish in time (or could not be reached). */
public class BrokerUnavailableException extends RuntimeException {

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
