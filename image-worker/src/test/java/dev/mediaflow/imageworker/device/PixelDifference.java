package dev.mediaflow.imageworker.device;

import org.bytedeco.opencv.opencv_core.Mat;

/** How far two 8-bit pictures of one size are apart, in levels of 255: the largest and the mean difference. */
public record PixelDifference(int largest, double mean) {

    public static PixelDifference of(Mat expected, Mat actual) {
        byte[] a = new byte[expected.rows() * expected.cols() * expected.channels()];
        byte[] b = new byte[a.length];
        expected.data().get(a);
        actual.data().get(b);
        long total = 0;
        int largest = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs((a[i] & 0xff) - (b[i] & 0xff));
            total += d;
            largest = Math.max(largest, d);
        }
        return new PixelDifference(largest, (double) total / a.length);
    }
}
