package dev.mediaflow.visionworker.depth;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

class ParallelPngEncoderTest {

    private static final ExecutorService HELPERS = Executors.newFixedThreadPool(3);

    @AfterAll
    static void stopHelpers() {
        HELPERS.shutdownNow();
    }

    /**
     * Every shape the bands can take: odd sizes, one row, one pixel, fewer rows than threads, and rows that the
     * band height does not divide (101 rows in 4 bands: 26, 26, 26, 23). Bands as small as one row, so that even
     * tiny maps are split; the result must decode, with OpenCV (libpng) and with the JDK's ImageIO, to exactly
     * the samples, and its zlib stream (checked by the JDK's Inflater, Adler-32 included) must be whole.
     */
    @ParameterizedTest(name = "{0}x{1}, {2} threads: {3} IDAT bands")
    @CsvSource({
            "7, 5, 4, 3",
            "1000, 1, 4, 1",
            "1, 1, 4, 1",
            "33, 3, 4, 3",
            "64, 101, 4, 4",
            "517, 389, 3, 3",
            "300, 200, 1, 1"})
    void decodesToExactlyTheSamplesWhateverTheBands(int width, int height, int threads, int bands) throws IOException {
        short[] samples = noisyRamp(width, height, width * 31L + height);
        ParallelPngEncoder encoder = new ParallelPngEncoder(HELPERS, threads, 1);

        byte[] png;
        try (Mat map = map16(width, height, samples)) {
            png = encoder.encode(map);
        }

        assertDecodesTo(png, width, height, samples);
        assertThat(idatChunks(png)).as("one IDAT per band, then the Adler-32's").hasSize(bands + 1);
    }

    @Test
    void readsOnlyTheRowsAndColumnsOfANonContinuousMap() throws IOException {
        short[] samples = noisyRamp(40, 30, 5);
        short[] inner = new short[20 * 10];
        for (int y = 0; y < 10; y++) {
            System.arraycopy(samples, (y + 5) * 40 + 7, inner, y * 20, 20);
        }
        byte[] png;
        try (Mat map = map16(40, 30, samples); Rect box = new Rect(7, 5, 20, 10); Mat roi = new Mat(map, box)) {
            assertThat(roi.isContinuous()).isFalse();
            png = new ParallelPngEncoder(HELPERS, 2, 1).encode(roi);
        }

        assertDecodesTo(png, 20, 10, inner);
    }

    @Test
    void theCallerEncodesEveryBandWhenNoHelperRuns() throws IOException {
        short[] samples = noisyRamp(50, 40, 9);
        List<Runnable> dropped = new ArrayList<>();
        ParallelPngEncoder neverHelped = new ParallelPngEncoder(dropped::add, 4, 1);
        ParallelPngEncoder refused = new ParallelPngEncoder(task -> {
            throw new RejectedExecutionException("shut down");
        }, 4, 1);

        try (Mat map = map16(50, 40, samples)) {
            byte[] fromDropped = neverHelped.encode(map);
            byte[] fromRefused = refused.encode(map);

            assertDecodesTo(fromDropped, 50, 40, samples);
            assertDecodesTo(fromRefused, 50, 40, samples);
            assertThat(idatChunks(fromDropped)).hasSize(5);
        }
        assertThat(dropped).as("helpers asked for three of the four bands").hasSize(3);
        dropped.forEach(Runnable::run); // a helper that starts late finds no band left and reads nothing
    }

    @Test
    void refusesWhatIsNotANonEmpty16BitSingleChannelMap() {
        ParallelPngEncoder encoder = ParallelPngEncoder.shared();
        try (Mat empty = new Mat(); Mat eightBit = new Mat(4, 4, CV_8UC1)) {
            assertThatThrownBy(() -> encoder.encode(empty)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("16-bit");
            assertThatThrownBy(() -> encoder.encode(eightBit)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("16-bit");
            assertThatThrownBy(() -> encoder.encode(null)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new ParallelPngEncoder(Runnable::run, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static void assertDecodesTo(byte[] png, int width, int height, short[] samples) throws IOException {
        int[] expected = toInts(samples);
        try (Mat decoded = TestPictures.decode16(png)) {
            assertThat(decoded.cols()).isEqualTo(width);
            assertThat(decoded.rows()).isEqualTo(height);
            assertThat(TestPictures.values16(decoded)).as("OpenCV").isEqualTo(expected);
        }
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_USHORT_GRAY);
        assertThat(image.getRaster().getPixels(0, 0, width, height, (int[]) null)).as("ImageIO").isEqualTo(expected);
        assertThat(inflate(idatChunks(png))).hasSize(height * (1 + 2 * width));
    }

    /** The zlib stream of the IDAT chunks, inflated by the JDK (which checks the stream's Adler-32). */
    private static byte[] inflate(List<byte[]> idat) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        idat.forEach(stream::writeBytes);
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stream.toByteArray());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 16];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new AssertionError("the zlib stream ends before its final block");
                }
                out.write(buffer, 0, n);
            }
            assertThat(inflater.getRemaining()).as("bytes after the Adler-32").isZero();
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new AssertionError("not a valid zlib stream: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static List<byte[]> idatChunks(byte[] png) {
        List<byte[]> chunks = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(png, 8, png.length - 8);
        while (buffer.hasRemaining()) {
            int length = buffer.getInt();
            byte[] type = new byte[4];
            buffer.get(type);
            byte[] data = new byte[length];
            buffer.get(data);
            buffer.getInt();
            if (new String(type, StandardCharsets.US_ASCII).equals("IDAT")) {
                chunks.add(data);
            }
        }
        return chunks;
    }

    /** A ramp with noise and a few full-range jumps: every byte of a sample, and every filter byte, varies. */
    static short[] noisyRamp(int width, int height, long seed) {
        Random random = new Random(seed);
        short[] samples = new short[width * height];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (i % 97 == 0 ? random.nextInt(65536) : (i * 37 + random.nextInt(600)) & 0xffff);
        }
        return samples;
    }

    static Mat map16(int width, int height, short[] samples) {
        Mat map = new Mat(height, width, CV_16UC1);
        ShortBuffer buffer = map.createBuffer();
        buffer.put(samples);
        return map;
    }

    private static int[] toInts(short[] samples) {
        int[] values = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            values[i] = samples[i] & 0xffff;
        }
        return values;
    }
}
