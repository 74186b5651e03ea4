package dev.mediaflow.worker;

/** Thrown at a checkpoint when the job was cancelled; the task stops and its partial outputs go. */
public class TaskCancelledException extends RuntimeException {

    public TaskCancelledException(String message) {
        super(message);
    }
}
