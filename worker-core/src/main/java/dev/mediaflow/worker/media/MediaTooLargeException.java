package dev.mediaflow.worker.media;

/**
 * The input is valid but would need more memory or time to decode than the worker allows ({@link DecodeLimits}).
 * It fails the task with a clear error instead of taking the worker down.
 */
public class MediaTooLargeException extends UnreadableMediaException {

    public MediaTooLargeException(String message) {
        super(message);
    }
}
