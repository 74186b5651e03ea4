package dev.mediaflow.visionworker.depth;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Turns an 8-bit BGR picture into the input Depth Anything V2 expects, as its official transform does: resized
 * with bicubic interpolation keeping the aspect ratio, RGB, scaled to 0..1, ImageNet mean/std, CHW float.
 *
 * <p>Input size rule (Depth Anything's "lower bound, multiple of 14"): the short side is scaled to
 * {@code inputSize}; each side is then rounded to the nearest multiple of 14, rounding up instead where that
 * would fall below {@code inputSize}. 640x480 -> 686x518, 1920x1080 -> 924x518, 518x518 -> 518x518. So that a
 * panorama does not become a huge tensor, the long side is capped at {@value #MAX_ASPECT} x inputSize (the short
 * side then ends up below inputSize). In fixed mode every image is resized to exactly inputSize x inputSize.
 */
public final class DepthPreprocessor {

    public static final int PATCH = 14;
    static final int MAX_ASPECT = 4;
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final int inputSize;
    private final boolean fixed;
    /** per channel (R, G, B): the normalised value of each 8-bit level */
    private final float[][] levels = new float[3][256];

    public DepthPreprocessor(int inputSize, boolean fixed) {
        this.inputSize = inputSize;
        this.fixed = fixed;
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                levels[c][v] = (v / 255f - MEAN[c]) / STD[c];
            }
        }
    }

    public static DepthPreprocessor of(DepthSettings settings) {
        return new DepthPreprocessor(settings.inputSize(), settings.fixedInput());
    }

    /** The model input size, {width, height}, for a source of the given size. */
    public int[] inputSizeFor(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("empty image " + width + "x" + height);
        }
        if (fixed) {
            return new int[] {inputSize, inputSize};
        }
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        double scale = (double) inputSize / shortSide;
        int newShort;
        int newLong;
        if (longSide * scale > MAX_ASPECT * inputSize) {
            newLong = atLeast(MAX_ASPECT * inputSize, MAX_ASPECT * inputSize);
            newShort = atLeast((double) shortSide * newLong / longSide, PATCH);
        } else {
            newShort = atLeast(inputSize, inputSize);
            newLong = atLeast(longSide * scale, inputSize);
        }
        return width >= height ? new int[] {newLong, newShort} : new int[] {newShort, newLong};
    }

    /** The nearest multiple of 14, or the next one up where the nearest is below {@code min}. */
    static int atLeast(double side, int min) {
        int rounded = (int) Math.round(side / PATCH) * PATCH;
        if (rounded < min) {
            rounded = (int) Math.ceil(side / PATCH) * PATCH;
        }
        return Math.max(rounded, PATCH);
    }

    /** Accepts 8-bit BGR (gray and BGRA are converted); the Mat is left as it is. */
    public PreparedImage prepare(Mat image) {
        if (image == null || image.empty()) {
            throw new IllegalArgumentException("empty image");
        }
        int[] size = inputSizeFor(image.cols(), image.rows());
        Mat bgr = image.type() == CV_8UC3 ? image : toBgr(image);
        try (Mat resized = new Mat(); Size target = new Size(size[0], size[1])) {
            resize(bgr, resized, target, 0, 0, INTER_CUBIC);
            return new PreparedImage(size[0], size[1], image.cols(), image.rows(), toChw(resized));
        } finally {
            if (bgr != image) {
                bgr.close();
            }
        }
    }

    float[] toChw(Mat bgr) {
        int plane = bgr.cols() * bgr.rows();
        byte[] pixels = new byte[plane * 3];
        Mat continuous = bgr.isContinuous() ? bgr : bgr.clone();
        continuous.data().get(pixels);
        float[] chw = new float[plane * 3];
        float[] r = levels[0];
        float[] g = levels[1];
        float[] b = levels[2];
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            chw[i] = r[pixels[p + 2] & 0xff];
            chw[plane + i] = g[pixels[p + 1] & 0xff];
            chw[2 * plane + i] = b[pixels[p] & 0xff];
        }
        if (continuous != bgr) {
            continuous.close();
        }
        return chw;
    }

    private static Mat toBgr(Mat image) {
        Mat bgr = new Mat();
        int type = image.type();
        if (type == CV_8UC1) {
            cvtColor(image, bgr, COLOR_GRAY2BGR);
        } else if (type == CV_8UC4) {
            cvtColor(image, bgr, COLOR_BGRA2BGR);
        } else {
            bgr.close();
            throw new IllegalArgumentException("expected an 8-bit BGR image, got OpenCV type " + type);
        }
        return bgr;
    }
}
