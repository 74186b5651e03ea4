package dev.mediaflow.queue.events;

import org.springframework.dao.DataIntegrityViolationException;

/**
 * What became of one status event of a batch, which decides what the listener does with its delivery: an applied
 * or unchanged event is acked (its transaction committed), one that can never be applied is parked in
 * {@code mediaflow.queue-service.events.parked}, and any other failure (the database down, a timeout) sends it
 * back to the queue.
 *
 * @param kind  the outcome
 * @param why   for {@link Kind#PARK} and {@link Kind#REQUEUE}: what went wrong, for the log
 * @param cause the failure, if any
 */
public record EventOutcome(Kind kind, String why, Throwable cause) {

    public enum Kind { APPLIED, UNCHANGED, PARK, REQUEUE }

    static EventOutcome applied(boolean changed) {
        return new EventOutcome(changed ? Kind.APPLIED : Kind.UNCHANGED, null, null);
    }

    static EventOutcome park(String why, Throwable cause) {
        return new EventOutcome(Kind.PARK, why, cause);
    }

    static EventOutcome requeue(String why, Throwable cause) {
        return new EventOutcome(Kind.REQUEUE, why, cause);
    }

    /** An event that failed alone: parked when it can never apply, else requeued. */
    static EventOutcome failed(Throwable e) {
        if (e instanceof MalformedEventException) {
            return park(e.getMessage(), e);
        }
        if (e instanceof DataIntegrityViolationException violation) {
            return park("violates a database constraint: " + violation.getMostSpecificCause().getMessage(), e);
        }
        return requeue(e.toString(), e);
    }
}
