package dev.mediaflow.worker.media;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
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
     * already is 8-bit BGR. The colour of an image with alpha is premultiplied in place in {@code src}.
     */
    public static Mat toBgr8(Mat src) {
        return toBgr8Within(src, Integer.MAX_VALUE);
    }

    /**
     * {@link #toBgr8} and {@link #fitWithin} in the order that needs no full-size temporary: a picture with
     * alpha is premultiplied in place (in bands of rows), scaled down while still in its decoded depth and
     * channels, and only the small result is composited over white ({@code colour + (max - alpha)}, which
     * equals compositing before scaling, because area averaging is linear). A 10000x10000 RGBA PNG so costs
     * its decoded 400 MB and a few MB more, where compositing in float at full size cost about 7 GB.
     *
     * @return {@code src} itself when it already is 8-bit BGR within {@code longestSide}, else a new Mat
     */
    public static Mat toBgr8Within(Mat src, int longestSide) {
        Mat working = src;
        if (working.depth() != CV_8U && working.depth() != CV_16U) {
            working = toEightBit(working);
        }
        boolean alpha = working.channels() == 2 || working.channels() == 4;
        if (alpha) {
            premultiplyInPlace(working);
        }
        Mat small = fitWithin(working, longestSide);
        if (small != working && working != src) {
            working.close();
        }
        Mat eightBit = toEightBit(small);
        if (eightBit != small && small != src) {
            small.close();
        }
        Mat bgr = switch (eightBit.channels()) {
            case 3 -> eightBit;
            case 1 -> convert(eightBit, COLOR_GRAY2BGR);
            case 2, 4 -> premultipliedOverWhite(eightBit);
            default -> throw new UnreadableMediaException("unsupported channel count " + eightBit.channels());
        };
        if (eightBit != src && eightBit != bgr) {
            eightBit.close();
        }
        return bgr;
    }

    /** Scales down with INTER_AREA so the longest side is at most {@code longestSide}; never upscales. */
    public static Mat fitWithin(Mat src, int longestSide) {
        int[] size = sizeWithin(src.cols(), src.rows(), longestSide);
        if (size[0] == src.cols() && size[1] == src.rows()) {
            return src;
        }
        Mat dst = new Mat();
        resize(src, dst, new Size(size[0], size[1]), 0, 0, INTER_AREA);
        return dst;
    }

    /**
     * {@code {width, height}} of a {@code cols x rows} picture shrunk so its longest side is at most
     * {@code longestSide} (aspect kept, rounded, at least 1); the picture's own size when it already fits.
     */
    public static int[] sizeWithin(int cols, int rows, int longestSide) {
        int longest = Math.max(cols, rows);
        if (longest <= longestSide) {
            return new int[] {cols, rows};
        }
        double scale = (double) longestSide / longest;
        return new int[] {Math.max(1, (int) Math.round(cols * scale)), Math.max(1, (int) Math.round(rows * scale))};
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

    /** Rows per band of {@link #premultiplyInPlace}: about a million pixels, so its temporaries stay a few MB. */
    private static int bandRows(Mat image) {
        return Math.max(1, (1 << 20) / Math.max(1, image.cols()));
    }

    /** colour = colour * alpha / max, band by band, in place (8- or 16-bit, alpha in the last channel). */
    static void premultiplyInPlace(Mat image) {
        int channels = image.channels();
        double max = image.depth() == CV_16U ? 65535.0 : 255.0;
        for (int row = 0; row < image.rows(); row += bandRows(image)) {
            int end = Math.min(image.rows(), row + bandRows(image));
            try (Mat band = image.rowRange(row, end); Mat alpha = new Mat(); Mat weights = new Mat();
                 Mat opaque = new Mat(end - row, image.cols(), image.depth() == CV_16U ? CV_16UC1 : CV_8UC1, new Scalar(max));
                 MatVector planes = new MatVector(channels)) {
                extractChannel(band, alpha, channels - 1);
                for (int c = 0; c < channels - 1; c++) {
                    planes.put(c, alpha);
                }
                planes.put(channels - 1, opaque);
                merge(planes, weights);
                multiply(band, weights, band, 1.0 / max, -1);
            }
        }
    }

    /** An 8-bit premultiplied BGRA or gray+alpha picture over white: colour + (255 - alpha). */
    private static Mat premultipliedOverWhite(Mat premultiplied) {
        int channels = premultiplied.channels();
        try (Mat alpha = new Mat(); Mat uncovered = new Mat(); Mat colour = new Mat(); Mat uncovered3 = new Mat()) {
            extractChannel(premultiplied, alpha, channels - 1);
            alpha.convertTo(uncovered, CV_8U, -1.0, 255.0);
            if (channels == 4) {
                cvtColor(premultiplied, colour, COLOR_BGRA2BGR);
            } else {
                try (Mat gray = new Mat()) {
                    extractChannel(premultiplied, gray, 0);
                    cvtColor(gray, colour, COLOR_GRAY2BGR);
                }
            }
            cvtColor(uncovered, uncovered3, COLOR_GRAY2BGR);
            Mat out = new Mat();
            add(colour, uncovered3, out);
            return out;
        }
    }
}
