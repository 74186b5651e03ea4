package dev.mediaflow.visionworker.depth;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.nio.FloatBuffer;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.checkRange;
import static org.bytedeco.opencv.global.opencv_core.minMaxLoc;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_FILTER;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_FILTER_SUB;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_STRATEGY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_STRATEGY_RLE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
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
     * The PNG settings, for speed: at 12 MP the encode was most of the pipeline's time outside the forward pass
     * (docs/performance.md, section 5). zlib level 1 with the RLE strategy (matches of distance 1 only: the runs
     * a depth map's flat areas give after the filter), and the SUB filter on every row instead of libpng's
     * adaptive choice among all five filters, which tries each one per row. These are OpenCV's own "tuned for
     * speed" defaults, spelled out so that a change of OpenCV's defaults cannot slow us. About 4x faster than
     * level 3 with the adaptive filter, for files about 8 % larger on a noisy map; lossless either way. The
     * strategy comes after the level: OpenCV resets the strategy when it reads a compression level.
     */
    private static final int[] PNG_PARAMS = {
            IMWRITE_PNG_COMPRESSION, 1,
            IMWRITE_PNG_STRATEGY, IMWRITE_PNG_STRATEGY_RLE,
            IMWRITE_PNG_FILTER, IMWRITE_PNG_FILTER_SUB};

    static byte[] encodePng(Mat depth16) {
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
