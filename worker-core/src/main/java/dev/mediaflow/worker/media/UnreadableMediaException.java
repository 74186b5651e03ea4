package dev.mediaflow.worker.media;

/**
 * The input could not be decoded (corrupt, truncated or not an image/video at all). Retrying will not help.
 * The message names the file by its file name only, never by its server path.
 */
public class UnreadableMediaException extends RuntimeException {

    public UnreadableMediaException(String message) {
        super(message);
    }

    public UnreadableMediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
