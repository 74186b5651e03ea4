package dev.mediaflow.worker.media;

import dev.mediaflow.messages.MediaType;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one picture every worker starts from: a photo with its EXIF orientation applied, or a video's
 * frame at 10% of its duration, as 8-bit BGR. Both workers use it, so the depth map and the variants
 * of a video come from the same frame. The caller closes the returned Mat.
 */
public final class MediaDecoder {

    private final PhotoDecoder photos = new PhotoDecoder();

    /**
     * @param neededLongestSide the largest output wanted; a big JPEG is decoded reduced down to it (0: full size)
     * @throws UnreadableMediaException when the input cannot be decoded
     */
    public Mat decode(Path input, MediaType type, int neededLongestSide) throws IOException {
        return switch (type) {
            case VIDEO -> VideoFrames.frameAt10Percent(input);
            case PHOTO -> photos.decode(input, neededLongestSide > 0 ? neededLongestSide : Integer.MAX_VALUE);
        };
    }
}
