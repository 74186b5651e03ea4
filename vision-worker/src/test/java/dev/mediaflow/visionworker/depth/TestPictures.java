package dev.mediaflow.visionworker.depth;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/** Test inputs made at test time, and reading depth maps back. */
public final class TestPictures {

    private TestPictures() {
    }

    /** The shipped test model (src/test/python/make_test_model.py): depth = row index + 0.01 * brightness. */
    public static Path rowDepthModel() {
        try {
            return Path.of(TestPictures.class.getResource("/models/row-depth.pt").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A deterministic textured BGR picture, JPEG-encoded at quality 90 and decoded again. */
    public static Mat jpegLike(int width, int height, long seed) {
        int smallW = Math.max(1, width / 16);
        int smallH = Math.max(1, height / 16);
        byte[] noise = new byte[smallW * smallH * 3];
        new Random(seed).nextBytes(noise);
        try (Mat small = new Mat(smallH, smallW, CV_8UC3); Mat picture = new Mat();
             BytePointer jpeg = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 90)) {
            small.data().put(noise);
            resize(small, picture, new Size(width, height), 0, 0, INTER_LINEAR);
            if (!imencode(".jpg", picture, jpeg, params)) {
                throw new IllegalStateException("cannot encode JPEG");
            }
            byte[] bytes = new byte[(int) jpeg.limit()];
            jpeg.get(bytes);
            return imdecode(new Mat(bytes), IMREAD_COLOR);
        }
    }

    /** Decodes a depth PNG, insisting on 16-bit single channel. */
    public static Mat decode16(byte[] png) {
        Mat depth = imdecode(new Mat(png), IMREAD_UNCHANGED);
        if (depth.empty() || depth.type() != CV_16UC1) {
            throw new AssertionError("not a 16-bit single-channel PNG (OpenCV type " + depth.type() + ")");
        }
        return depth;
    }

    /** Every value of a CV_16UC1 Mat, row by row. */
    public static int[] values16(Mat depth) {
        short[] raw = new short[depth.cols() * depth.rows()];
        java.nio.ShortBuffer buffer = depth.createBuffer();
        buffer.get(raw);
        int[] values = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            values[i] = raw[i] & 0xffff;
        }
        return values;
    }

    /** Mean of each row of a CV_16UC1 Mat. */
    public static double[] rowMeans(Mat depth) {
        int[] values = values16(depth);
        double[] means = new double[depth.rows()];
        for (int y = 0; y < depth.rows(); y++) {
            long sum = 0;
            for (int x = 0; x < depth.cols(); x++) {
                sum += values[y * depth.cols() + x];
            }
            means[y] = (double) sum / depth.cols();
        }
        return means;
    }
}
