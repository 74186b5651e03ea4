package dev.mediaflow.gateway.meters;

import dev.mediaflow.messages.MediaType;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One upload on its way, until it is counted once in {@link UploadMeters}: the upload service says what the
 * bytes are as soon as it knows, the controller the accepted size, and the response's commit (or the client
 * going away first) how it ended.
 */
public final class UploadTally {

    private final UploadMeters meters;
    private final AtomicBoolean counted = new AtomicBoolean();
    private volatile MediaType type;
    private volatile long acceptedSize = -1;

    UploadTally(UploadMeters meters) {
        this.meters = meters;
    }

    /** The bytes were found to be a photo or a video. */
    public void detected(MediaType mediaType) {
        this.type = mediaType;
    }

    /** Accepted with a file of {@code size} bytes; counted when the 202 is sent. */
    public void accepted(MediaType mediaType, long size) {
        this.type = mediaType;
        this.acceptedSize = size;
    }

    /** The connection ended before any answer: the upload failed. */
    public void abandoned() {
        answered(599);
    }

    /** The upload ended with this HTTP status (its own, for one of several uploads answered together). */
    public void answered(int status) {
        if (counted.compareAndSet(false, true)) {
            meters.count(UploadMeters.Outcome.of(status), type, acceptedSize);
        }
    }
}
