package dev.mediaflow.messages;

import org.springframework.amqp.AmqpException;

/**
 * The broker accepted a mandatory message but no queue was bound to take it (a missing binding, a
 * deleted queue): the message is gone, so the publish failed.
 */
public class UnroutableMessageException extends AmqpException {

    public UnroutableMessageException(String message) {
        super(message);
    }
}
