package dev.mediaflow.visionworker.depth;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_FILTER;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_FILTER_SUB;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_STRATEGY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_STRATEGY_RLE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/**
 * The depth PNG encode before the parallel one: OpenCV (libpng and zlib) on one thread, zlib level 1, the RLE
 * strategy, the SUB filter on every row (522d9bf). The reference the parallel encode is held to (same samples,
 * a file about as large) and timed against (DepthOverheadBenchmark).
 */
final class PreviousDepthPng {

    /** The strategy comes after the level: OpenCV resets the strategy when it reads a compression level. */
    private static final int[] PNG_PARAMS = {
            IMWRITE_PNG_COMPRESSION, 1,
            IMWRITE_PNG_STRATEGY, IMWRITE_PNG_STRATEGY_RLE,
            IMWRITE_PNG_FILTER, IMWRITE_PNG_FILTER_SUB};

    private PreviousDepthPng() {
    }

    static byte[] encode(Mat depth16) {
        try (BytePointer out = new BytePointer(); IntPointer params = new IntPointer(PNG_PARAMS)) {
            if (!imencode(".png", depth16, out, params)) {
                throw new IllegalStateException("OpenCV could not encode the depth map as PNG");
            }
            byte[] png = new byte[(int) out.limit()];
            out.get(png);
            return png;
        }
    }
}
