package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.Pixels;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * A Gaussian blur of a large sigma, computed at a reduced size and scaled back up: the same picture for the
 * blur variant, for a fraction of the work.
 *
 * <p>Why: a blur of sigma 8 at 640 px needs a 49-tap kernel per pass; it was the most expensive step after the
 * decode and the encodes. A blur that strong leaves nothing above a frequency of about 1/(2 pi 8) cycles per
 * pixel, so the picture can be reduced by {@code f} (area average), blurred with sigma {@code sigma / f}, and
 * scaled back up (bilinear) without a visible difference: the reduction and the interpolation only add their
 * own small blur (a variance of about {@code (f^2 - 1) / 12 + f^2 / 6} pixels squared), so the effective sigma is
 * never below the one asked for. {@code f} is the largest power of two that keeps the reduced sigma at
 * {@link #MIN_REDUCED_SIGMA} or more and the reduced picture at least {@link #MIN_REDUCED_SIDE} pixels on its
 * short side; below that, the blur is done at full size.
 */
public final class ReducedBlur {

    /** Below this sigma a Gaussian at the reduced size is too coarse to stand for the full-size one. */
    static final double MIN_REDUCED_SIGMA = 2.0;
    static final int MIN_REDUCED_SIDE = 16;

    private ReducedBlur() {
    }

    /** @return a new Mat the size of {@code src}, blurred with (at least) {@code sigma} */
    public static Mat blur(Mat src, double sigma) {
        int factor = factor(src.cols(), src.rows(), sigma);
        if (factor == 1) {
            return Pixels.gaussianBlur(src, sigma);
        }
        int width = (src.cols() + factor - 1) / factor;
        int height = (src.rows() + factor - 1) / factor;
        try (Mat small = new Mat(); Mat blurred = new Mat()) {
            resize(src, small, new Size(width, height), 0, 0, INTER_AREA);
            GaussianBlur(small, blurred, new Size(0, 0), sigma / factor);
            Mat out = new Mat();
            resize(blurred, out, new Size(src.cols(), src.rows()), 0, 0, INTER_LINEAR);
            return out;
        }
    }

    /** The reduction used for a picture of this size and this sigma (1: none). */
    static int factor(int width, int height, double sigma) {
        int factor = 1;
        while (sigma / (factor * 2) >= MIN_REDUCED_SIGMA && Math.min(width, height) / (factor * 2) >= MIN_REDUCED_SIDE) {
            factor *= 2;
        }
        return factor;
    }
}
