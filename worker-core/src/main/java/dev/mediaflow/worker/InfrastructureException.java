package dev.mediaflow.worker;

/**
 * Redis or the broker failed while a task was in hand. Not the task's fault: the task is handed back
 * to its queue (after a back-off) and the attempt does not count, so a Redis hiccup or a broker
 * restart never uses up a job's attempts.
 */
public class InfrastructureException extends RuntimeException {

    public InfrastructureException(String what, Throwable cause) {
        super(what + ": " + cause.getMessage(), cause);
    }

    /** Whether {@code e} or one of its causes is infrastructure trouble (a handler may wrap a checkpoint's failure). */
    static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InfrastructureException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
