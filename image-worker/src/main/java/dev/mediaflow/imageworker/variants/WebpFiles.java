package dev.mediaflow.imageworker.variants;

import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.storage.DurableFiles;
import dev.mediaflow.worker.meters.CodecTimers;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/**
 * Encodes WebP variants and writes them into the task's staging folder with {@link DurableFiles#writeStaged}: not
 * synced there, because the folder is promoted with {@link DurableFiles#moveAllIntoPlace}, which syncs every file
 * before its final rename (one sync per file and one per folder instead of two per file twice).
 *
 * <p>The WebP method is libwebp's default, 4: OpenCV's encoder (WebPEncodeBGR) offers no other, and it is also
 * what {@code vipsthumbnail} and {@code cwebp} use unless told otherwise, so the sizes and the quality per byte
 * are the ones users compare with.
 */
public final class WebpFiles {

    private WebpFiles() {
    }

    /** The encode is timed in {@code codec}; the write is not part of it. */
    public static VariantResult write(Mat image, int quality, Path target, CodecTimers codec) throws IOException {
        long bytes = DurableFiles.writeStaged(target, codec.encode(() -> encode(image, quality)));
        return VariantResult.of(image.cols(), image.rows(), bytes);
    }

    static byte[] encode(Mat image, int quality) throws IOException {
        try (BytePointer out = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_WEBP_QUALITY, quality)) {
            if (!imencode(".webp", image, out, params) || out.limit() == 0) {
                throw new IOException("WebP encoding failed for a " + image.cols() + "x" + image.rows() + " image");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
