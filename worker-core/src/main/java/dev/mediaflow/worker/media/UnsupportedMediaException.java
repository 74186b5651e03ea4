package dev.mediaflow.worker.media;

/**
 * The file is well-formed but uses a feature no decoder here handles yet (HDR colour, an irregular tile grid):
 * the message says which, e.g. "HEIC with HDR (PQ) colour is not supported yet".
 */
public class UnsupportedMediaException extends UnreadableMediaException {

    public UnsupportedMediaException(String message) {
        super(message);
    }
}
