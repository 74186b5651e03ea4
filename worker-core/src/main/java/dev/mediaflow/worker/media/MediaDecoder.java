package dev.mediaflow.worker.media;

import dev.mediaflow.messages.MediaType;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one picture every worker starts from: a photo with its orientation applied, or a video's frame at 10% of
 * its duration, as 8-bit BGR no larger than the caller needs. Both workers use it, so the depth map and the
 * variants of a video come from the same frame. Every decode is bounded by {@link DecodeLimits} (bytes and
 * time): past them the input is refused with a {@link MediaTooLargeException} that fails the task cleanly. The
 * decodes running through one decoder share one budget ({@link DecodeMemory}): a worker keeps one decoder for all
 * its consumers, so more consumers do not mean more decode memory.
 * The caller closes the returned Mat.
 */
public final class MediaDecoder {

    private final DecodeMemory memory;
    private final PhotoDecoder photos;

    public MediaDecoder() {
        this(DecodeLimits.DEFAULT);
    }

    /**
     * @param limits the limits of one decode; all decodes through this decoder also share {@code limits.maxBytes()}
     *               between them ({@link DecodeMemory}), so one decoder per worker process bounds the process's
     *               decode memory whatever the number of consumers calling it
     */
    public MediaDecoder(DecodeLimits limits) {
        this.memory = new DecodeMemory(limits);
        this.photos = new PhotoDecoder(memory);
    }

    /** The memory the decodes through this decoder share. */
    public DecodeMemory memory() {
        return memory;
    }

    /**
     * @param neededLongestSide the largest output wanted; the picture is scaled down to it, and a big JPEG is
     *                          decoded reduced (0: full size)
     * @throws UnreadableMediaException when the input cannot be decoded, or is over the limits
     */
    public Mat decode(Path input, MediaType type, int neededLongestSide) throws IOException {
        return decode(input, type, neededLongestSide, () -> {
        });
    }

    /**
     * @param frameGrabbed runs once a video's frame is grabbed (the slow part of a video's decode, reported as a
     *                     progress step of its own); never for a photo
     */
    public Mat decode(Path input, MediaType type, int neededLongestSide, Runnable frameGrabbed) throws IOException {
        int needed = neededLongestSide > 0 ? neededLongestSide : Integer.MAX_VALUE;
        // the reservation lasts until the large intermediate pictures are freed and only the fitted result is left
        try (DecodeMemory.Scope scope = memory.open()) {
            return decode(input, type, needed, frameGrabbed, scope);
        }
    }

    private Mat decode(Path input, MediaType type, int needed, Runnable frameGrabbed, DecodeMemory.Scope scope)
            throws IOException {
        return switch (type) {
            case VIDEO -> {
                Mat frame = VideoFrames.frameAt10Percent(input, scope);
                try {
                    frameGrabbed.run();
                } catch (RuntimeException | Error e) {
                    frame.close();
                    throw e;
                }
                Mat fitted = Pixels.fitWithin(frame, needed);
                if (fitted != frame) {
                    frame.close();
                }
                yield fitted;
            }
            case PHOTO -> photos.decode(input, needed, scope);
        };
    }
}
