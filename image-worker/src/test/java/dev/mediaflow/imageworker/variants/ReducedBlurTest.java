package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.Pixels;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.*;

/** The blur at a reduced size stands for the full-size Gaussian of the blur variant (CONTRACT section 5: sigma 8). */
class ReducedBlurTest {

    @Test
    void sigmaEightAt640IsComputedAtAQuarter() {
        assertThat(ReducedBlur.factor(640, 480, 8)).isEqualTo(4);
        assertThat(ReducedBlur.factor(480, 640, 8)).isEqualTo(4);
    }

    @Test
    void smallSigmasAndTinyPicturesAreBlurredAtFullSize() {
        assertThat(ReducedBlur.factor(640, 480, 3)).isEqualTo(1);
        assertThat(ReducedBlur.factor(640, 20, 8)).isEqualTo(1);
        try (Mat tiny = TestMedia.picture(40, 20); Mat blurred = ReducedBlur.blur(tiny, 8);
             Mat full = Pixels.gaussianBlur(tiny, 8)) {
            assertThat(meanAbsoluteDifference(blurred, full)).isZero();
        }
    }

    @Test
    void theReducedBlurLooksLikeTheFullSizeOne() {
        try (Mat picture = noisyPicture(640, 427); Mat reduced = ReducedBlur.blur(picture, 8);
             Mat full = Pixels.gaussianBlur(picture, 8)) {
            assertThat(reduced.cols()).isEqualTo(640);
            assertThat(reduced.rows()).isEqualTo(427);
            assertThat(reduced.type()).isEqualTo(picture.type());
            // levels of 255, averaged over every sample
            assertThat(meanAbsoluteDifference(reduced, full)).isLessThan(1.5);
        }
    }

    @Test
    void theReducedBlurIsAtLeastAsStrong() {
        try (Mat picture = noisyPicture(640, 480); Mat reduced = ReducedBlur.blur(picture, 8);
             Mat full = Pixels.gaussianBlur(picture, 8)) {
            double sharp = PhotoVariantsTest.laplacianVariance(picture);
            assertThat(PhotoVariantsTest.laplacianVariance(reduced))
                    .isLessThanOrEqualTo(PhotoVariantsTest.laplacianVariance(full) * 1.05)
                    .isLessThan(sharp / 100);
        }
    }

    /** The test picture with noise on every sample, so there is detail at every frequency to blur away. */
    private static Mat noisyPicture(int width, int height) {
        Mat picture = TestMedia.picture(width, height);
        byte[] samples = new byte[width * height * 3];
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) random.nextInt(40);
        }
        try (Mat noise = new Mat(height, width, CV_8UC3)) {
            noise.data().put(samples);
            add(picture, noise, picture);
        }
        return picture;
    }

    private static double meanAbsoluteDifference(Mat a, Mat b) {
        try (Mat diff = new Mat()) {
            absdiff(a, b, diff);
            Scalar mean = mean(diff);
            return (mean.get(0) + mean.get(1) + mean.get(2)) / 3;
        }
    }
}
