package dev.mediaflow.worker.media;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.*;
import static org.bytedeco.opencv.global.opencv_imgproc.*;

/** Small pixel operations shared by the photo and video paths. Every method returns a Mat the caller owns. */
public final class Pixels {

    private Pixels() {
    }

    /**
     * Converts any decoded image to 8-bit, 3-channel BGR: 16-bit is scaled down, float is taken as 0..1,
     * grayscale is expanded, and transparency is composited over white. Returns {@code src} itself when it
     * already is 8-bit BGR.
     */
    public static Mat toBgr8(Mat src) {
        Mat eightBit = toEightBit(src);
        Mat bgr = switch (eightBit.channels()) {
            case 3 -> eightBit;
            case 1 -> convert(eightBit, COLOR_GRAY2BGR);
            case 2 -> grayAlphaOverWhite(eightBit);
            case 4 -> bgraOverWhite(eightBit);
            default -> throw new UnreadableMediaException("unsupported channel count " + eightBit.channels());
        };
        if (eightBit != src && eightBit != bgr) {
            eightBit.close();
        }
        return bgr;
    }

    /** Scales down with INTER_AREA so the longest side is at most {@code longestSide}; never upscales. */
    public static Mat fitWithin(Mat src, int longestSide) {
        int longest = Math.max(src.cols(), src.rows());
        if (longest <= longestSide) {
            return src;
        }
        double scale = (double) longestSide / longest;
        int width = Math.max(1, (int) Math.round(src.cols() * scale));
        int height = Math.max(1, (int) Math.round(src.rows() * scale));
        Mat dst = new Mat();
        resize(src, dst, new Size(width, height), 0, 0, INTER_AREA);
        return dst;
    }

    public static Mat gaussianBlur(Mat src, double sigma) {
        Mat dst = new Mat();
        GaussianBlur(src, dst, new Size(0, 0), sigma);
        return dst;
    }

    /** Rotates clockwise by a multiple of 90 degrees (others are rounded to the nearest multiple). */
    public static Mat rotateClockwise(Mat src, double degrees) {
        int quarter = Math.floorMod((int) Math.round(degrees / 90.0), 4);
        if (quarter == 0) {
            return src;
        }
        Mat dst = new Mat();
        rotate(src, dst, quarter == 1 ? ROTATE_90_CLOCKWISE : quarter == 2 ? ROTATE_180 : ROTATE_90_COUNTERCLOCKWISE);
        return dst;
    }

    private static Mat toEightBit(Mat src) {
        int depth = src.depth();
        if (depth == CV_8U) {
            return src;
        }
        Mat dst = new Mat();
        if (depth == CV_16U) {
            src.convertTo(dst, CV_8U, 1.0 / 257.0, 0);
        } else if (depth == CV_32F || depth == CV_64F) {
            src.convertTo(dst, CV_8U, 255.0, 0);
        } else {
            normalize(src, dst, 0, 255, NORM_MINMAX, CV_8U, new Mat());
        }
        return dst;
    }

    private static Mat convert(Mat src, int code) {
        Mat dst = new Mat();
        cvtColor(src, dst, code);
        return dst;
    }

    private static Mat bgraOverWhite(Mat bgra) {
        try (Mat bgr = convert(bgra, COLOR_BGRA2BGR); Mat alpha = new Mat()) {
            extractChannel(bgra, alpha, 3);
            return overWhite(bgr, alpha);
        }
    }

    private static Mat grayAlphaOverWhite(Mat grayAlpha) {
        try (Mat gray = new Mat(); Mat alpha = new Mat()) {
            extractChannel(grayAlpha, gray, 0);
            extractChannel(grayAlpha, alpha, 1);
            try (Mat bgr = convert(gray, COLOR_GRAY2BGR)) {
                return overWhite(bgr, alpha);
            }
        }
    }

    /** out = bgr * a + 255 * (1 - a), with a = alpha / 255. */
    private static Mat overWhite(Mat bgr, Mat alpha) {
        try (Mat alpha3 = convert(alpha, COLOR_GRAY2BGR);
             Mat weight = new Mat(); Mat background = new Mat();
             Mat color = new Mat(); Mat foreground = new Mat(); Mat sum = new Mat()) {
            alpha3.convertTo(weight, CV_32F, 1.0 / 255.0, 0);
            alpha3.convertTo(background, CV_32F, -1.0, 255.0);
            bgr.convertTo(color, CV_32F);
            multiply(color, weight, foreground);
            add(foreground, background, sum);
            Mat out = new Mat();
            sum.convertTo(out, CV_8U);
            return out;
        }
    }
}
