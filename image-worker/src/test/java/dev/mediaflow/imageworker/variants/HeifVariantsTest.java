package dev.mediaflow.imageworker.variants;

import dev.mediaflow.imageworker.device.ImageDevice;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.media.MediaDecoder;
import dev.mediaflow.worker.media.MediaTooLargeException;
import dev.mediaflow.worker.media.UnreadableMediaException;
import dev.mediaflow.worker.media.UnsupportedMediaException;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.mediaflow.imageworker.variants.PhotoVariantsTest.assertVariant;
import static dev.mediaflow.imageworker.variants.PhotoVariantsTest.isRed;
import static dev.mediaflow.imageworker.variants.WebpAssertions.readWebp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.NORM_L1;
import static org.bytedeco.opencv.global.opencv_core.norm;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

/**
 * HEIC and AVIF photos, made at test time by real encoders ({@link HeifFixtures}), give the same variants as a
 * JPEG of the same picture: same sizes, and pixels within {@value #TOLERANCE} levels of 255 on average. Both
 * are lossy encodes of one textured picture, and a large JPEG is decoded reduced by libjpeg while a HEIC is
 * scaled from full size, which alone moves the WebP q30 low-quality variant of the 4032x3024 picture by about 6;
 * a misplaced tile, a wrong colour matrix or range, or a wrong rotation is off by 20 and more. The bad cases
 * fail with a clear message.
 */
class HeifVariantsTest {

    /** Largest mean absolute difference, per channel in 0..255, between a HEIC/AVIF variant and the JPEG's. */
    static final double TOLERANCE = 8.0;

    private static final List<Operation> IMAGE_OPS = List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
    private static final Runnable NOTHING = () -> { };

    @TempDir
    static Path shared;

    private static Path heic;
    private static Path jpeg;

    private final VariantMaker maker = new VariantMaker();

    @TempDir
    Path dir;

    @BeforeAll
    static void pictures() throws IOException {
        try (Mat picture = TestMedia.picture(1600, 1200)) {
            heic = HeifFixtures.heic(shared.resolve("photo.heic"), picture);
            jpeg = Files.write(shared.resolve("photo.jpg"), TestMedia.encode(picture, ".jpg", IMWRITE_JPEG_QUALITY, 95));
        }
    }

    @Test
    void heicGivesTheSameVariantsAsAJpegOfThePicture() throws IOException {
        Map<Operation, VariantResult> results = maker.make(heic, MediaType.PHOTO, IMAGE_OPS, dir.resolve("heic"), NOTHING);
        maker.make(jpeg, MediaType.PHOTO, IMAGE_OPS, dir.resolve("jpeg"), NOTHING);

        assertVariant(dir.resolve("heic"), Operation.THUMBNAIL, results, 320, 240);
        assertVariant(dir.resolve("heic"), Operation.BLUR, results, 640, 480);
        assertVariant(dir.resolve("heic"), Operation.LOW_QUALITY, results, 1280, 960);
        assertSameVariants(dir.resolve("heic"), dir.resolve("jpeg"));
    }

    @Test
    void avifGivesTheSameVariantsAsAJpegOfThePicture() throws IOException {
        Path avif;
        try (Mat picture = TestMedia.picture(1600, 1200)) {
            avif = HeifFixtures.avif(dir.resolve("photo.avif"), picture);
        }
        assertThat(new String(Files.readAllBytes(avif), 4, 8, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("ftypavif");

        Map<Operation, VariantResult> results = maker.make(avif, MediaType.PHOTO, IMAGE_OPS, dir.resolve("avif"), NOTHING);
        maker.make(jpeg, MediaType.PHOTO, IMAGE_OPS, dir.resolve("jpeg"), NOTHING);

        assertVariant(dir.resolve("avif"), Operation.THUMBNAIL, results, 320, 240);
        assertVariant(dir.resolve("avif"), Operation.LOW_QUALITY, results, 1280, 960);
        assertSameVariants(dir.resolve("avif"), dir.resolve("jpeg"));
    }

    @Test
    void phoneSizeTiledHeicIsPutTogetherAndCropped() throws IOException {
        Path grid;
        Path reference;
        try (Mat picture = TestMedia.picture(4032, 3024)) {
            grid = HeifFixtures.grid(dir.resolve("grid.heic"), picture, 1024);
            reference = Files.write(dir.resolve("grid.jpg"), TestMedia.encode(picture, ".jpg", IMWRITE_JPEG_QUALITY, 95));
        }

        Map<Operation, VariantResult> results = maker.make(grid, MediaType.PHOTO, IMAGE_OPS, dir.resolve("grid"), NOTHING);
        maker.make(reference, MediaType.PHOTO, IMAGE_OPS, dir.resolve("jpeg"), NOTHING);

        assertVariant(dir.resolve("grid"), Operation.THUMBNAIL, results, 320, 240);
        assertVariant(dir.resolve("grid"), Operation.BLUR, results, 640, 480);
        assertVariant(dir.resolve("grid"), Operation.LOW_QUALITY, results, 1280, 960);
        assertSameVariants(dir.resolve("grid"), dir.resolve("jpeg"));
    }

    @Test
    void irotTurnsTheStoredPictureUpright() throws IOException {
        Path rotated;
        try (Mat picture = TestMedia.picture(1600, 1200)) {
            // 3 x 90 degrees anticlockwise: a phone held upright, stored landscape
            rotated = HeifFixtures.transformed(dir.resolve("rotated.heic"), picture, 3, -1);
        }

        Map<Operation, VariantResult> results = maker.make(rotated, MediaType.PHOTO, IMAGE_OPS, dir.resolve("out"), NOTHING);

        assertVariant(dir.resolve("out"), Operation.THUMBNAIL, results, 240, 320);
        assertVariant(dir.resolve("out"), Operation.LOW_QUALITY, results, 960, 1280);
        try (Mat thumb = readWebp(dir.resolve("out").resolve("thumbnail.webp"))) {
            assertThat(isRed(thumb, 240 - 6, 5)).as("the stored top-left marker ends top-right").isTrue();
            assertThat(isRed(thumb, 5, 5)).isFalse();
        }
    }

    @Test
    void rotationAndMirrorMatchLibheif() throws IOException {
        for (int[] transform : new int[][] {{1, 0}, {0, 1}, {2, 0}}) {
            Path file;
            try (Mat picture = TestMedia.picture(480, 360)) {
                file = HeifFixtures.transformed(dir.resolve("t" + transform[0] + transform[1] + ".heic"), picture,
                        transform[0], transform[1]);
            }
            Path libheif = dir.resolve("t" + transform[0] + transform[1] + ".png");
            run("heif-convert", file.toString(), libheif.toString());

            try (Mat ours = new MediaDecoder().decode(file, MediaType.PHOTO, 0);
                 Mat theirs = imread(libheif.toString(), IMREAD_COLOR)) {
                assertThat(ours.cols()).as("irot %d imir %d", transform[0], transform[1]).isEqualTo(theirs.cols());
                assertThat(ours.rows()).isEqualTo(theirs.rows());
                assertThat(meanDifference(ours, theirs)).as("irot %d imir %d", transform[0], transform[1])
                        .isLessThan(TOLERANCE);
            }
        }
    }

    @Test
    void truncatedHeicFailsWithAClearMessage() throws IOException {
        Path truncated = TestMedia.truncated(heic, dir.resolve("cut.heic"), 0.6);

        assertThatThrownBy(() -> maker.make(truncated, MediaType.PHOTO, IMAGE_OPS, dir.resolve("out"), NOTHING))
                .isInstanceOf(UnreadableMediaException.class)
                .hasMessageContaining("cannot decode HEIC cut.heic")
                .hasMessageNotContaining(dir.toString());
        assertThat(dir.resolve("out").resolve("thumbnail.webp")).doesNotExist();
    }

    @Test
    void hdrHeicIsRefusedAsNotSupportedYet() throws IOException {
        Path hdr;
        try (Mat deep = new Mat(240, 320, CV_16UC3, new Scalar(30000, 20000, 10000, 0))) {
            hdr = HeifFixtures.hdr(dir.resolve("hdr.heic"), deep);
        }

        assertThatThrownBy(() -> maker.make(hdr, MediaType.PHOTO, IMAGE_OPS, dir.resolve("out"), NOTHING))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessage("HEIC with HDR (PQ) colour is not supported yet");
    }

    @Test
    void heicOverTheDecodeBudgetIsRefusedBeforeDecoding() {
        VariantMaker small = new VariantMaker(ImageDevice.cpu("test"),
                new DecodeLimits(DataSize.ofMegabytes(2), Duration.ofSeconds(60)));

        assertThatThrownBy(() -> small.make(heic, MediaType.PHOTO, IMAGE_OPS, dir.resolve("out"), NOTHING))
                .isInstanceOf(MediaTooLargeException.class)
                .hasMessageContaining("HEIC photo.heic is too large to decode: 1600x1200 RGB 8-bit needs 6 MB");
    }

    @Test
    void aDecodePastTheTimeLimitIsAbandonedWithAClearMessage() {
        VariantMaker hurried = new VariantMaker(ImageDevice.cpu("test"),
                new DecodeLimits(DataSize.ofMegabytes(768), Duration.ofMillis(1)));

        assertThatThrownBy(() -> hurried.make(heic, MediaType.PHOTO, IMAGE_OPS, dir.resolve("out"), NOTHING))
                .isInstanceOf(MediaTooLargeException.class)
                .hasMessage("decoding HEIC photo.heic took longer than the worker's limit of 1 ms (MEDIAFLOW_DECODE_TIMEOUT)");
    }

    /** Each variant of {@code actual} has the size of {@code expected}'s and is within {@link #TOLERANCE} of it. */
    static void assertSameVariants(Path actual, Path expected) throws IOException {
        for (Operation op : IMAGE_OPS) {
            try (Mat a = readWebp(actual.resolve(op.fileName())); Mat b = readWebp(expected.resolve(op.fileName()))) {
                assertThat(a.cols()).as("%s width", op).isEqualTo(b.cols());
                assertThat(a.rows()).as("%s height", op).isEqualTo(b.rows());
                assertThat(meanDifference(a, b)).as("%s mean difference from the JPEG's", op).isLessThan(TOLERANCE);
            }
        }
    }

    static double meanDifference(Mat a, Mat b) {
        return norm(a, b, NORM_L1, new Mat()) / ((double) a.cols() * a.rows() * a.channels());
    }

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("%s: %s", command[0], output).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
