package dev.mediaflow.visionworker.depth;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

class DepthPreprocessorTest {

    private static final float R_OF_255 = (1 - 0.485f) / 0.229f;
    private static final float G_OF_128 = (128 / 255f - 0.456f) / 0.224f;
    private static final float B_OF_0 = (0 - 0.406f) / 0.225f;

    @ParameterizedTest(name = "{0}x{1} at {2} -> {3}x{4}")
    @CsvSource({
            "640, 480, 518, 686, 518",
            "480, 640, 518, 518, 686",
            "518, 518, 518, 518, 518",
            "1920, 1080, 518, 924, 518",
            "4000, 3000, 518, 686, 518",
            "100, 50, 518, 1036, 518",
            "640, 480, 500, 672, 504",
            // long side capped at 4 x 518 = 2072
            "10000, 500, 518, 2072, 98",
    })
    void keepsTheAspectRatioWithSidesInMultiplesOf14(int width, int height, int inputSize, int expectedW, int expectedH) {
        int[] size = new DepthPreprocessor(inputSize, false).inputSizeFor(width, height);

        assertThat(size).containsExactly(expectedW, expectedH);
        assertThat(size[0] % 14).isZero();
        assertThat(size[1] % 14).isZero();
    }

    @Test
    void fixedModeResizesToTheSquare() {
        DepthPreprocessor fixed = new DepthPreprocessor(518, true);

        assertThat(fixed.inputSizeFor(640, 480)).containsExactly(518, 518);
        assertThat(fixed.inputSizeFor(480, 1000)).containsExactly(518, 518);
    }

    @Test
    void normalisesRgbWithImageNetMeanAndStdIntoChw() {
        try (Mat bgr = new Mat(480, 640, CV_8UC3, new Scalar(0, 128, 255, 0))) {
            PreparedImage prepared = new DepthPreprocessor(518, false).prepare(bgr);

            assertThat(prepared.width()).isEqualTo(686);
            assertThat(prepared.height()).isEqualTo(518);
            assertThat(prepared.sourceWidth()).isEqualTo(640);
            assertThat(prepared.sourceHeight()).isEqualTo(480);
            int plane = 686 * 518;
            assertThat(prepared.chw()).hasSize(3 * plane);
            assertThat(prepared.chw()[0]).isCloseTo(R_OF_255, within(1e-5f));
            assertThat(prepared.chw()[plane - 1]).isCloseTo(R_OF_255, within(1e-5f));
            assertThat(prepared.chw()[plane]).isCloseTo(G_OF_128, within(1e-5f));
            assertThat(prepared.chw()[2 * plane + 12345]).isCloseTo(B_OF_0, within(1e-5f));
            assertThat(R_OF_255).isCloseTo(2.2489f, within(1e-4f));
            assertThat(B_OF_0).isCloseTo(-1.8044f, within(1e-4f));
        }
    }

    @Test
    void laysOutPlanesRowByRow() {
        // 28x28, left half red, right half blue: no resize at input size 28 in fixed mode
        try (Mat bgr = new Mat(28, 28, CV_8UC3, new Scalar(255, 0, 0, 0));
             Mat left = bgr.apply(new Rect(0, 0, 14, 28))) {
            left.put(new Scalar(0, 0, 255, 0));
            float[] chw = new DepthPreprocessor(28, true).prepare(bgr).chw();

            int plane = 28 * 28;
            int row5col3 = 5 * 28 + 3;
            int row5col20 = 5 * 28 + 20;
            assertThat(chw[row5col3]).isCloseTo(R_OF_255, within(1e-5f));
            assertThat(chw[row5col20]).isCloseTo((0 - 0.485f) / 0.229f, within(1e-5f));
            assertThat(chw[2 * plane + row5col3]).isCloseTo(B_OF_0, within(1e-5f));
            assertThat(chw[2 * plane + row5col20]).isCloseTo((1 - 0.406f) / 0.225f, within(1e-5f));
        }
    }

    @Test
    void acceptsGrayAndRefusesOtherDepths() {
        DepthPreprocessor preprocessor = new DepthPreprocessor(518, false);
        try (Mat gray = new Mat(100, 200, CV_8UC1, new Scalar(255));
             Mat deep = new Mat(100, 200, CV_16UC1);
             Mat empty = new Mat()) {
            PreparedImage prepared = preprocessor.prepare(gray);
            assertThat(prepared.chw()[0]).isCloseTo(R_OF_255, within(1e-5f));
            assertThat(prepared.width()).isEqualTo(1036);

            assertThatThrownBy(() -> preprocessor.prepare(deep)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("8-bit BGR");
            assertThatThrownBy(() -> preprocessor.prepare(empty)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void stacksOnlySameSizeImages() {
        PreparedImage a = new PreparedImage(14, 14, 1, 1, new float[3 * 14 * 14]);
        PreparedImage b = new PreparedImage(28, 14, 1, 1, new float[3 * 28 * 14]);

        assertThat(PreparedImage.stack(java.util.List.of(a, a))).hasSize(2 * 3 * 14 * 14);
        assertThatThrownBy(() -> PreparedImage.stack(java.util.List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
