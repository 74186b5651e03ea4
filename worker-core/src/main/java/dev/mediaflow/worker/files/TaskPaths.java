package dev.mediaflow.worker.files;

import dev.mediaflow.messages.StorageLayout;
import dev.mediaflow.messages.TaskMessage;

import java.nio.file.Path;

/**
 * The only paths a task may touch, derived from its own owner and media item (docs/api.md, "Where files land"):
 * {@code uploads/<owner>/<mediaItemId>.<ext>} and {@code processed/<owner>/<mediaItemId>}. The paths
 * in the message must be exactly these; anything else (another owner's upload, another folder, a way
 * out of the root) is refused, so a forged task on the broker cannot read one owner's file into
 * another owner's results.
 *
 * @param input     the upload to read
 * @param outputDir where finished outputs are promoted to
 */
public record TaskPaths(Path input, Path outputDir) {

    /** @throws RefusedTaskException when the message's paths are not the ones its owner and media item give */
    public static TaskPaths of(Path storageRoot, TaskMessage task) {
        String owner = task.owner();
        if (!StorageLayout.isOwner(owner)) {
            throw new RefusedTaskException("the task's owner is not a valid owner name");
        }
        if (task.mediaItemId() == null) {
            throw new RefusedTaskException("the task has no mediaItemId");
        }
        String uploadPrefix = StorageLayout.uploadPath(owner, task.mediaItemId(), "");
        String inputPath = task.inputPath();
        if (inputPath == null || !inputPath.startsWith(uploadPrefix)
                || !StorageLayout.isExtension(inputPath.substring(uploadPrefix.length()))) {
            throw new RefusedTaskException("inputPath is not " + uploadPrefix + "<ext>, the upload of the task's own"
                    + " owner and media item");
        }
        String outputDir = StorageLayout.outputDir(owner, task.mediaItemId());
        if (!outputDir.equals(task.outputDir())) {
            throw new RefusedTaskException("outputDir is not " + outputDir + ", the folder of the task's own owner"
                    + " and media item");
        }
        try {
            return new TaskPaths(StorageLayout.resolve(storageRoot, inputPath), StorageLayout.resolve(storageRoot, outputDir));
        } catch (IllegalArgumentException e) {
            throw new RefusedTaskException(e.getMessage());
        }
    }
}
