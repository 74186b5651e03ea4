package dev.mediaflow.imageworker.device;

import dev.mediaflow.worker.media.Pixels;
import org.bytedeco.opencv.opencv_core.Mat;

/** The pixel operations on the CPU, with OpenCV: the default, and the reference the GPU path is checked against. */
public final class CpuPixelOps implements PixelOps {

    @Override
    public Mat fitWithin(Mat src, int longestSide) {
        return Pixels.fitWithin(src, longestSide);
    }

    @Override
    public Mat gaussianBlur(Mat src, double sigma) {
        return Pixels.gaussianBlur(src, sigma);
    }

    @Override
    public String device() {
        return "cpu";
    }
}
