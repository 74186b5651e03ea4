package dev.mediaflow.visionworker.depth;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DepthPostprocessorTest {

    @Test
    void stretchesToTheFull16BitRangeNearerBrighter() {
        DepthMap map = DepthPostprocessor.toDepthMap(new float[] {0, 1, 2, 3}, 0, 2, 2, 2, 2);

        try (Mat depth = TestPictures.decode16(map.png())) {
            assertThat(TestPictures.values16(depth)).containsExactly(0, 21845, 43690, 65535);
        }
        assertThat(map.width()).isEqualTo(2);
        assertThat(map.height()).isEqualTo(2);
    }

    @Test
    void readsTheImageAtItsOffset() {
        float[] batch = {9, 9, 9, 9, 3, 2, 1, 0};

        DepthMap second = DepthPostprocessor.toDepthMap(batch, 4, 2, 2, 2, 2);

        try (Mat depth = TestPictures.decode16(second.png())) {
            assertThat(TestPictures.values16(depth)).containsExactly(65535, 43690, 21845, 0);
        }
    }

    @Test
    void resizesBackBilinearly() {
        DepthMap map = DepthPostprocessor.toDepthMap(new float[] {0, 1}, 0, 2, 1, 4, 1);

        try (Mat depth = TestPictures.decode16(map.png())) {
            assertThat(depth.cols()).isEqualTo(4);
            assertThat(depth.rows()).isEqualTo(1);
            // source x of each target pixel: -0.25 (edge), 0.25, 0.75, 1.25 (edge)
            assertThat(TestPictures.values16(depth)).containsExactly(0, 16384, 49151, 65535);
        }
    }

    @Test
    void constantOutputGivesZerosWithoutDividingByZero() {
        float[] constant = new float[5 * 3];
        Arrays.fill(constant, 0.1f);

        DepthMap map = DepthPostprocessor.toDepthMap(constant, 0, 5, 3, 17, 11);

        try (Mat depth = TestPictures.decode16(map.png())) {
            assertThat(depth.cols()).isEqualTo(17);
            assertThat(depth.rows()).isEqualTo(11);
            assertThat(TestPictures.values16(depth)).containsOnly(0);
        }
    }

    @Test
    void encodesA16BitGrayscalePng() {
        byte[] png = DepthPostprocessor.toDepthMap(new float[] {0, 1, 2, 3}, 0, 2, 2, 3, 5).png();

        assertThat(Arrays.copyOfRange(png, 1, 4)).containsExactly('P', 'N', 'G');
        assertThat(new String(png, 12, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        assertThat(java.nio.ByteBuffer.wrap(png, 16, 8).getInt()).isEqualTo(3);
        assertThat(java.nio.ByteBuffer.wrap(png, 20, 4).getInt()).isEqualTo(5);
        assertThat(png[24]).as("bit depth").isEqualTo((byte) 16);
        assertThat(png[25]).as("colour type grayscale").isEqualTo((byte) 0);
    }

    @Test
    void refusesNonFiniteOutput() {
        assertThatThrownBy(() -> DepthPostprocessor.toDepthMap(new float[] {0, Float.NaN, 1, 2}, 0, 2, 2, 2, 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("non-finite");
    }

    /**
     * The parallel encode changes the file, never the picture: a model-like map (a smooth field with texture,
     * 518x518 scaled to 2048x1536) decodes to exactly the pixels of the encode before it (OpenCV, level 1, RLE,
     * SUB), an independent decoder (the JDK's ImageIO) reads it as 16-bit grayscale with the same values, and
     * the file stays about as large.
     */
    @Test
    void parallelPngHoldsTheSamePixelsAsTheEncodeBeforeInAFileAboutAsLarge() throws IOException {
        int side = 518;
        float[] output = new float[side * side];
        Random noise = new Random(7);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                output[y * side + x] = (float) (y + 40 * Math.sin(x / 37.0) * Math.cos(y / 23.0)
                        + (x > 300 && y < 200 ? 0 : noise.nextGaussian()));
            }
        }
        try (Mat floats = DepthPostprocessor.floatMat(output, 0, side, side);
             Mat resized = DepthPostprocessor.resizeBilinear(floats, 2048, 1536);
             Mat depth16 = DepthPostprocessor.normalise16(resized)) {
            int[] expected = TestPictures.values16(depth16);
            byte[] parallel = DepthPostprocessor.encodePng(depth16);
            byte[] before = PreviousDepthPng.encode(depth16);

            try (Mat now = TestPictures.decode16(parallel); Mat then = TestPictures.decode16(before)) {
                assertThat(TestPictures.values16(now)).isEqualTo(TestPictures.values16(then)).isEqualTo(expected);
            }
            assertThat((double) parallel.length).as("bytes, against %d before", before.length)
                    .isBetween(0.8 * before.length, 1.2 * before.length);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(parallel));
            assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_USHORT_GRAY);
            Raster raster = image.getRaster();
            assertThat(raster.getWidth()).isEqualTo(2048);
            assertThat(raster.getHeight()).isEqualTo(1536);
            assertThat(raster.getPixels(0, 0, 2048, 1536, (int[]) null)).isEqualTo(expected);
        }
    }
}
