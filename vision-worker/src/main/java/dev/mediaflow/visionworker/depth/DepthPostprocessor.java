package dev.mediaflow.visionworker.depth;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.nio.FloatBuffer;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.checkRange;
import static org.bytedeco.opencv.global.opencv_core.minMaxLoc;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Model output (relative inverse depth: larger = nearer) to a depth map: resized back to the source size with
 * bilinear interpolation, stretched to 0..65535 per image (nearest = 65535), encoded as a 16-bit grayscale PNG.
 */
public final class DepthPostprocessor {

    /** A spread below this share of the values' magnitude is float noise of a constant output: all zeros. */
    static final double FLAT = 1e-6;

    private DepthPostprocessor() {
    }

    /** {@code values[offset ..]} holds one {@code width x height} output, row by row. */
    public static DepthMap toDepthMap(float[] values, int offset, int width, int height,
                                      int sourceWidth, int sourceHeight) {
        try (Mat output = floatMat(values, offset, width, height);
             Mat resized = resizeBilinear(output, sourceWidth, sourceHeight);
             Mat depth16 = normalise16(resized)) {
            return new DepthMap(sourceWidth, sourceHeight, encodePng(depth16));
        }
    }

    static Mat floatMat(float[] values, int offset, int width, int height) {
        Mat mat = new Mat(height, width, CV_32FC1);
        FloatBuffer buffer = mat.createBuffer();
        buffer.put(values, offset, width * height);
        return mat;
    }

    static Mat resizeBilinear(Mat depth, int width, int height) {
        Mat resized = new Mat();
        if (depth.cols() == width && depth.rows() == height) {
            depth.copyTo(resized);
            return resized;
        }
        try (Size size = new Size(width, height)) {
            resize(depth, resized, size, 0, 0, INTER_LINEAR);
        }
        return resized;
    }

    /** CV_32FC1 to CV_16UC1: min -> 0, max -> 65535; a constant map gives all zeros. */
    static Mat normalise16(Mat depth) {
        if (!checkRange(depth)) {
            throw new IllegalStateException("the depth model produced non-finite values");
        }
        double[] min = new double[1];
        double[] max = new double[1];
        try (Mat noMask = new Mat()) {
            minMaxLoc(depth, min, max, null, null, noMask);
        }
        double range = max[0] - min[0];
        double alpha = range <= FLAT * Math.max(1, Math.max(Math.abs(min[0]), Math.abs(max[0]))) ? 0 : 65535 / range;
        Mat out = new Mat();
        depth.convertTo(out, CV_16UC1, alpha, -min[0] * alpha);
        return out;
    }

    /**
     * The 16-bit PNG, its bands deflated on several cores ({@link ParallelPngEncoder}): at a depth map of the
     * photo's full size the single-threaded encode was most of the pipeline's time outside the forward pass
     * (docs/performance.md, section 5). Lossless: the same samples as any other PNG encode of the map.
     */
    static byte[] encodePng(Mat depth16) {
        return ParallelPngEncoder.shared().encode(depth16);
    }
}
