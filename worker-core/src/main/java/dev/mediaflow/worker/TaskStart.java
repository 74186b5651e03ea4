package dev.mediaflow.worker;

/**
 * What {@link AttemptClaims#start} found in its one round trip to Redis, in the order a task is checked: its job
 * was cancelled, its run is already done, another copy of its attempt took it, or this delivery now holds it.
 *
 * @param done   the stored {@code task.succeeded} event (JSON) when {@link Kind#DONE}
 * @param deaths how many holders died in the attempt before, when {@link Kind#CLAIMED}
 */
public record TaskStart(Kind kind, String done, long deaths) {

    /** The four answers. */
    public enum Kind { CANCELLED, DONE, OTHER_COPY, CLAIMED }

    static TaskStart cancelled() {
        return new TaskStart(Kind.CANCELLED, null, 0);
    }

    static TaskStart done(String event) {
        return new TaskStart(Kind.DONE, event, 0);
    }

    static TaskStart otherCopy() {
        return new TaskStart(Kind.OTHER_COPY, null, 0);
    }

    static TaskStart claimed(long deaths) {
        return new TaskStart(Kind.CLAIMED, null, deaths);
    }
}
