package dev.mediaflow.worker;

/**
 * How far a task has got, reported at the real steps of its work (a video's frame grab, the decode, each resize
 * and encode, the inference), each as one {@code task.progress} event, so that a client's event stream moves
 * during long work instead of sitting at {@code processing} until the end.
 */
@FunctionalInterface
public interface TaskProgress {

    /** For callers that do not follow the steps (tests, benchmarks). */
    TaskProgress NONE = percent -> {
    };

    /** @param percent 0..100; a step reported after a later one is not sent again */
    void at(int percent);
}
