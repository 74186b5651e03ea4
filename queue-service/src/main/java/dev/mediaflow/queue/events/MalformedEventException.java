package dev.mediaflow.queue.events;

/** A status event that can never be applied; it is dropped, not retried. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
