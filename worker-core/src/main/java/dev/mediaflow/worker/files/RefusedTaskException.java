package dev.mediaflow.worker.files;

/** A task this worker will never run (its paths are not its own): it goes to the parking lot, no retry. */
public class RefusedTaskException extends RuntimeException {

    public RefusedTaskException(String reason) {
        super("task refused: " + reason);
    }
}
