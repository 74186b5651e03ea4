package dev.mediaflow.imageworker.device;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The two pixel operations that make the variants once the picture is decoded: shrinking (INTER_AREA) and the
 * Gaussian blur. The CPU does them with OpenCV; a GPU does the same arithmetic with libtorch. Both take 8-bit
 * BGR and return a Mat the caller owns ({@code src} itself when nothing needs doing).
 */
public interface PixelOps {

    /** Shrinks so the longest side is at most {@code longestSide}; never upscales. */
    Mat fitWithin(Mat src, int longestSide);

    Mat gaussianBlur(Mat src, double sigma);

    /** "cpu" or "gpu": where these operations run. */
    String device();
}
