package dev.mediaflow.worker.media;

import java.time.Duration;

/**
 * The time limit of one decode. OpenCV's decoders cannot be interrupted, so their time is bounded by the byte
 * budget (pixels bound the work); FFmpeg is interrupted through {@link FfmpegInterrupt}, and multi-step decodes
 * (tiles, frames) call {@link #check()} between steps.
 */
public final class DecodeDeadline {

    private final String what;
    private final Duration limit;
    private final long endNanos;

    public DecodeDeadline(String what, Duration limit) {
        this.what = what;
        this.limit = limit;
        this.endNanos = System.nanoTime() + limit.toNanos();
    }

    public boolean passed() {
        return System.nanoTime() - endNanos > 0;
    }

    /** @throws MediaTooLargeException once the limit has passed */
    public void check() {
        if (passed()) {
            throw timedOut();
        }
    }

    public MediaTooLargeException timedOut() {
        return new MediaTooLargeException("decoding " + what + " took longer than the worker's limit of "
                + (limit.toMillis() < 1000 ? limit.toMillis() + " ms" : limit.toSeconds() + " s")
                + " (MEDIAFLOW_DECODE_TIMEOUT)");
    }
}
