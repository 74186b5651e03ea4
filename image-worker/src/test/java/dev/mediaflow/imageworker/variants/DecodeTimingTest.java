package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.PhotoDecoder;
import dev.mediaflow.worker.media.Pixels;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;

/** Prints the median of 5 timings for a generated 4000x3000 JPEG (see the test's output file). */
class DecodeTimingTest {

    private static final int RUNS = 5;

    @Test
    void measureA4000x3000Jpeg(@TempDir Path dir) throws IOException {
        Path input = TestMedia.jpeg(dir.resolve("big.jpg"), 4000, 3000);
        byte[] bytes = Files.readAllBytes(input);
        List<Operation> all = List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
        VariantMaker maker = new VariantMaker();

        double full = median(() -> decode(bytes, IMREAD_COLOR));
        double reduced2 = median(() -> decode(bytes, IMREAD_REDUCED_COLOR_2));
        double reduced4 = median(() -> decode(bytes, IMREAD_REDUCED_COLOR_4));
        double variants = median(() -> maker.make(input, MediaType.PHOTO, all, dir.resolve("out"), () -> { }));
        double thumbnailOnly = median(() -> maker.make(input, MediaType.PHOTO, List.of(Operation.THUMBNAIL),
                dir.resolve("thumb"), () -> { }));

        Mat half = PhotoDecoder.openCvDecode(bytes, IMREAD_REDUCED_COLOR_2);
        Mat large = Pixels.fitWithin(half, 1280);
        Mat medium = Pixels.fitWithin(large, 640);
        double resizes = median(() -> {
            Pixels.fitWithin(half, 1280).close();
            Pixels.fitWithin(medium, 320).close();
            Pixels.fitWithin(large, 640).close();
        });
        double blur = median(() -> Pixels.gaussianBlur(medium, 8).close());
        double encodeLarge = median(() -> WebpFiles.encode(large, 30));
        double encodeMedium = median(() -> WebpFiles.encode(medium, 70));

        System.out.printf("4000x3000 JPEG (%d bytes), median of %d runs, %d cores:%n", bytes.length, RUNS,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  full decode (IMREAD_COLOR)            %6.1f ms%n", full);
        System.out.printf("  reduced decode by 2 (REDUCED_COLOR_2) %6.1f ms%n", reduced2);
        System.out.printf("  reduced decode by 4 (REDUCED_COLOR_4) %6.1f ms%n", reduced4);
        System.out.printf("  all three variants (read, decode /2, 3 WebP writes) %6.1f ms%n", variants);
        System.out.printf("  thumbnail only (decode /8)           %6.1f ms%n", thumbnailOnly);
        System.out.printf("    of which: 3 INTER_AREA resizes %.1f ms, blur 640x480 sigma 8 %.1f ms,"
                + " WebP encode 1280x960 q30 %.1f ms, 640x480 %.1f ms%n", resizes, blur, encodeLarge, encodeMedium);
        assertThat(reduced4).isLessThan(full);
    }

    private static void decode(byte[] bytes, int flags) {
        try (Mat image = PhotoDecoder.openCvDecode(bytes, flags)) {
            assertThat(image.empty()).isFalse();
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private static double median(Step step) throws IOException {
        step.run();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            step.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[RUNS / 2];
    }
}
