package dev.mediaflow.worker;

import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The one thing a worker module implements: turn a task's input into outputs on disk. */
public interface TaskHandler {

    WorkerKind kind();

    /**
     * Writes every output of the task under {@link TaskContext#outputDir()}, this attempt's own folder
     * (with {@link dev.mediaflow.storage.DurableFiles}), and returns them by variant name; the worker
     * promotes them into the item's output folder once the task succeeded. Calls {@link TaskContext#checkpoint()} between steps.
     * Any exception fails this attempt.
     */
    Map<String, VariantResult> handle(TaskContext context) throws Exception;

    /**
     * Completes when the handler can take tasks (a model loaded, say); until then nothing is consumed
     * and tasks wait in their queue. Completing exceptionally keeps the worker up but idle.
     */
    default CompletableFuture<Void> ready() {
        return CompletableFuture.completedFuture(null);
    }

    /** Shown in heartbeats and health: "cpu" or "gpu". */
    default String device() {
        return "cpu";
    }
}
