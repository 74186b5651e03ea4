package dev.mediaflow.visionworker.depth;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/**
 * The depth PNG encode as it was before issue 14 (OpenCV, zlib level 3, libpng's adaptive filter): the reference
 * the faster encode is held to (same pixels) and timed against (DepthOverheadBenchmark).
 */
final class PreviousDepthPng {

    private PreviousDepthPng() {
    }

    static byte[] encode(Mat depth16) {
        try (BytePointer out = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_PNG_COMPRESSION, 3)) {
            if (!imencode(".png", depth16, out, params)) {
                throw new IllegalStateException("OpenCV could not encode the depth map as PNG");
            }
            byte[] png = new byte[(int) out.limit()];
            out.get(png);
            return png;
        }
    }
}
