package dev.mediaflow.worker.media;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * How much a worker may spend decoding one input, bound from {@code mediaflow.decode.*} (environment:
 * {@code MEDIAFLOW_DECODE_MAX_BYTES}, {@code MEDIAFLOW_DECODE_TIMEOUT}).
 *
 * <p>The gateway's pixel limit bounds pixels, not memory: a 100 MP picture costs 300 MB as 8-bit colour but
 * 800 MB as 16-bit RGBA, and an animation costs its frames on top. So the worker counts the bytes a decode
 * really allocates (pixels x channels x bytes per sample x frames) and refuses past {@code maxBytes}, before
 * allocating anything. The decoders run in-process (OpenCV, FFmpeg), so a file that makes them loop or crawl
 * would hold a consumer forever: {@code timeout} bounds each decode.
 *
 * @param maxBytes most bytes of decoded pixels one decode may hold (default 768 MB: a 100 MP 16-bit RGB or 8-bit RGBA
 *                 photo fits, and the worker's peak stays under 1 GiB)
 * @param timeout  longest one decode may take before it is abandoned with a clear error
 */
@ConfigurationProperties("mediaflow.decode")
public record DecodeLimits(
        @DefaultValue("768MB") DataSize maxBytes,
        @DefaultValue("60s") Duration timeout) {

    public static final DecodeLimits DEFAULT = new DecodeLimits(DataSize.ofMegabytes(768), Duration.ofSeconds(60));

    public DecodeLimits {
        if (maxBytes == null || maxBytes.toBytes() < 1) {
            throw new IllegalArgumentException("mediaflow.decode.max-bytes must be positive, was " + maxBytes);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("mediaflow.decode.timeout must be positive, was " + timeout);
        }
    }

    /**
     * Refuses a decode whose pixels would take more than {@link #maxBytes}.
     *
     * @param what  how the message names the input, e.g. "PNG photo.png"
     * @throws MediaTooLargeException over the budget
     */
    public void checkBudget(String what, PixelFootprint footprint) {
        long bytes = footprint.bytes();
        if (bytes > maxBytes.toBytes()) {
            throw new MediaTooLargeException(what + " is too large to decode: " + footprint.describe() + " needs "
                    + megabytes(bytes) + " MB, over the worker's decode budget of " + megabytes(maxBytes.toBytes())
                    + " MB (MEDIAFLOW_DECODE_MAX_BYTES)");
        }
    }

    /**
     * The most pixels one decoded 8-bit colour frame may have within the budget, for FFmpeg's {@code max_pixels}:
     * a stream that changes its size after the check (a new sequence header) is refused by the decoder itself.
     */
    public long maxPixelsPerFrame() {
        return Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes.toBytes() / 3));
    }

    /** Whole megabytes as Spring's DataSize counts them (1 MB = 1024 x 1024 bytes), rounded up. */
    private static long megabytes(long bytes) {
        return (bytes + DataSize.ofMegabytes(1).toBytes() - 1) / DataSize.ofMegabytes(1).toBytes();
    }
}
