package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.UnreadableMediaException;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.mediaflow.imageworker.variants.WebpAssertions.assertNoTemporaryFiles;
import static dev.mediaflow.imageworker.variants.WebpAssertions.readWebp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.*;
import static org.bytedeco.opencv.global.opencv_imgproc.*;

class PhotoVariantsTest {

    private static final List<Operation> IMAGE_OPS = List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
    private static final Runnable NOTHING = () -> { };

    private final VariantMaker maker = new VariantMaker();

    @TempDir
    Path dir;

    @Test
    void largeJpegGivesThreeWebpVariantsWithTheContractSizes() throws IOException {
        Path input = TestMedia.jpeg(dir.resolve("in.jpg"), 4000, 3000);
        Path out = dir.resolve("out");

        Map<Operation, VariantResult> results = maker.make(input, MediaType.PHOTO, IMAGE_OPS, out, NOTHING);

        assertThat(results).containsOnlyKeys(IMAGE_OPS);
        assertVariant(out, Operation.THUMBNAIL, results, 320, 240);
        assertVariant(out, Operation.BLUR, results, 640, 480);
        assertVariant(out, Operation.LOW_QUALITY, results, 1280, 960);
        assertNoTemporaryFiles(out);
        try (Mat thumb = readWebp(out.resolve("thumbnail.webp"))) {
            assertThat(isRed(thumb, 5, 5)).as("marker stays top-left").isTrue();
        }
    }

    @Test
    void theBenchmarksNoopReadsNothingAndMakesNothing() throws IOException {
        Path notAnImage = Files.write(dir.resolve("in.jpg"), new byte[]{1, 2, 3});
        List<Integer> progress = new ArrayList<>();

        Map<Operation, VariantResult> results = maker.make(notAnImage, MediaType.PHOTO, List.of(Operation.NOOP),
                dir.resolve("out"), NOTHING, progress::add);

        assertThat(results).isEmpty();
        assertThat(progress).isEmpty();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void everyDecodeResizeAndEncodeIsReportedAsProgressInOrder() throws IOException {
        Path input = TestMedia.jpeg(dir.resolve("in.jpg"), 800, 600);
        List<Integer> progress = new ArrayList<>();

        maker.make(input, MediaType.PHOTO, IMAGE_OPS, dir.resolve("out"), NOTHING, progress::add);

        // decoded, then a resize and an encode per variant spread evenly up to ENCODED; no frame grab for a photo
        assertThat(progress).containsExactly(VariantMaker.DECODED, 32, 45, 57, 70, 82, VariantMaker.ENCODED);
        List<Integer> one = new ArrayList<>();
        maker.make(input, MediaType.PHOTO, List.of(Operation.THUMBNAIL), dir.resolve("one"), NOTHING, one::add);
        assertThat(one).containsExactly(VariantMaker.DECODED, 57, VariantMaker.ENCODED);
    }

    @Test
    void smallPngIsNotUpscaled() throws IOException {
        Path input;
        try (Mat picture = TestMedia.picture(100, 50)) {
            input = TestMedia.image(dir.resolve("small.png"), picture);
        }
        Path out = dir.resolve("out");

        Map<Operation, VariantResult> results = maker.make(input, MediaType.PHOTO, IMAGE_OPS, out, NOTHING);

        for (Operation op : IMAGE_OPS) {
            assertVariant(out, op, results, 100, 50);
        }
    }

    @Test
    void exifOrientationSixGivesPortraitVariants() throws IOException {
        Path input = TestMedia.exifJpeg(dir.resolve("rotated.jpg"), 4000, 3000, 6);
        Path out = dir.resolve("out");

        Map<Operation, VariantResult> results = maker.make(input, MediaType.PHOTO, IMAGE_OPS, out, NOTHING);

        assertVariant(out, Operation.THUMBNAIL, results, 240, 320);
        assertVariant(out, Operation.BLUR, results, 480, 640);
        assertVariant(out, Operation.LOW_QUALITY, results, 960, 1280);
        try (Mat thumb = readWebp(out.resolve("thumbnail.webp"))) {
            // orientation 6 = rotate 90 degrees clockwise: the stored top-left corner shows top-right
            assertThat(isRed(thumb, thumb.cols() - 5, 5)).isTrue();
            assertThat(isRed(thumb, 5, 5)).isFalse();
        }
    }

    @Test
    void blurVariantIsReallyBlurred() throws IOException {
        Path input = TestMedia.jpeg(dir.resolve("in.jpg"), 4000, 3000);
        Path out = dir.resolve("out");

        maker.make(input, MediaType.PHOTO, List.of(Operation.BLUR), out, NOTHING);

        try (Mat source = TestMedia.picture(4000, 3000); Mat sharp = new Mat();
             Mat blurred = readWebp(out.resolve("blur.webp"))) {
            resize(source, sharp, new Size(640, 480), 0, 0, INTER_AREA);
            double sharpness = laplacianVariance(sharp);
            double blurriness = laplacianVariance(blurred);
            assertThat(sharpness).isGreaterThan(50);
            assertThat(blurriness).isLessThan(sharpness / 50);
        }
        assertThat(out.resolve("thumbnail.webp")).doesNotExist();
    }

    @Test
    void onlyTheImageOperationsAskedForAreMade() throws IOException {
        Path input = TestMedia.jpeg(dir.resolve("in.jpg"), 800, 600);
        Path out = dir.resolve("out");

        Map<Operation, VariantResult> results = maker.make(input, MediaType.PHOTO,
                List.of(Operation.THUMBNAIL, Operation.DEPTH), out, NOTHING);

        assertThat(results).containsOnlyKeys(Operation.THUMBNAIL);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("thumbnail.webp");
        }
        assertThat(maker.make(input, MediaType.PHOTO, List.of(Operation.DEPTH), out, NOTHING)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "webp", "gif", "bmp", "tif"})
    void everyContractPhotoFormatIsDecoded(String extension) throws IOException {
        Path input;
        try (Mat picture = TestMedia.picture(600, 400)) {
            input = TestMedia.image(dir.resolve("in." + extension), picture);
        }
        Path out = dir.resolve("out");

        Map<Operation, VariantResult> results = maker.make(input, MediaType.PHOTO, IMAGE_OPS, out, NOTHING);

        assertVariant(out, Operation.THUMBNAIL, results, 320, 213);
        assertVariant(out, Operation.LOW_QUALITY, results, 600, 400);
        try (Mat thumb = readWebp(out.resolve("thumbnail.webp"))) {
            assertThat(isRed(thumb, 5, 5)).isTrue();
        }
    }

    @Test
    void transparentPixelsBecomeWhite() throws IOException {
        Path input;
        try (Mat bgra = new Mat(100, 200, CV_8UC4, new Scalar(0, 0, 0, 255))) {
            try (Mat rightHalf = bgra.apply(new org.bytedeco.opencv.opencv_core.Rect(100, 0, 100, 100))) {
                rightHalf.put(new Scalar(0, 0, 0, 0));
            }
            input = TestMedia.image(dir.resolve("alpha.png"), bgra);
        }
        Path out = dir.resolve("out");

        maker.make(input, MediaType.PHOTO, List.of(Operation.LOW_QUALITY), out, NOTHING);

        try (Mat result = readWebp(out.resolve("low-quality.webp"))) {
            assertThat(result.channels()).isEqualTo(3);
            assertThat(pixel(result, 20, 50)).allSatisfy(v -> assertThat(v).isLessThan(30));
            assertThat(pixel(result, 180, 50)).allSatisfy(v -> assertThat(v).isGreaterThan(225));
        }
    }

    @Test
    void sixteenBitGrayscaleIsScaledToEightBitColor() throws IOException {
        Path input;
        try (Mat gray16 = new Mat(60, 80, CV_16UC1, new Scalar(40000, 0, 0, 0))) {
            input = TestMedia.image(dir.resolve("deep.png"), gray16);
        }
        Path out = dir.resolve("out");

        maker.make(input, MediaType.PHOTO, List.of(Operation.THUMBNAIL), out, NOTHING);

        try (Mat result = readWebp(out.resolve("thumbnail.webp"))) {
            assertThat(result.cols()).isEqualTo(80);
            assertThat(pixel(result, 40, 30)).allSatisfy(v -> assertThat(v).isCloseTo(40000 / 257, within(3)));
        }
    }

    @Test
    void corruptJpegIsRefusedWithAClearMessage() throws IOException {
        Path input = TestMedia.corruptJpeg(dir.resolve("broken.jpg"));
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> maker.make(input, MediaType.PHOTO, IMAGE_OPS, out, NOTHING))
                .isInstanceOf(UnreadableMediaException.class)
                .hasMessageStartingWith("cannot decode image broken.jpg:")
                .hasMessageNotContaining(dir.toString());
        assertNoOutputs(out);
    }

    @Test
    void textFileIsRefusedWithAClearMessage() throws IOException {
        Path input = Files.writeString(dir.resolve("notes.jpg"), "this is just text, not a picture\n");
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> maker.make(input, MediaType.PHOTO, IMAGE_OPS, out, NOTHING))
                .isInstanceOf(UnreadableMediaException.class)
                .hasMessageContaining("cannot decode image notes.jpg")
                .hasMessageContaining("not a JPEG, PNG, WebP, GIF, BMP, TIFF, HEIC or AVIF file");
        assertNoOutputs(out);
    }

    @Test
    void failingBetweenStepsStopsTheWorkAndLeavesNoTemporaryFile() throws IOException {
        Path input = TestMedia.jpeg(dir.resolve("in.jpg"), 2000, 1500);
        Path out = dir.resolve("out");
        AtomicInteger steps = new AtomicInteger();
        RuntimeException cancelled = new IllegalStateException("cancelled");

        assertThatThrownBy(() -> maker.make(input, MediaType.PHOTO, IMAGE_OPS, out, () -> {
            if (steps.incrementAndGet() == 3) {
                throw cancelled;
            }
        })).isSameAs(cancelled);

        assertThat(steps).hasValue(3);
        assertNoTemporaryFiles(out);
        assertThat(out.resolve("low-quality.webp")).as("made before the cancellation").exists();
        assertThat(out.resolve("blur.webp")).doesNotExist();
        assertThat(out.resolve("thumbnail.webp")).doesNotExist();
    }

    @Test
    void cancellationBeforeTheDecodeWritesNothing() throws IOException {
        Path input = TestMedia.jpeg(dir.resolve("in.jpg"), 400, 300);
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> maker.make(input, MediaType.PHOTO, IMAGE_OPS, out, () -> {
            throw new IllegalStateException("cancelled");
        })).hasMessage("cancelled");

        assertNoOutputs(out);
    }

    @Test
    void remakingReplacesTheOutputs() throws IOException {
        Path out = dir.resolve("out");
        maker.make(TestMedia.jpeg(dir.resolve("a.jpg"), 400, 300), MediaType.PHOTO, IMAGE_OPS, out, NOTHING);

        Map<Operation, VariantResult> again = maker.make(TestMedia.jpeg(dir.resolve("b.jpg"), 300, 400),
                MediaType.PHOTO, IMAGE_OPS, out, NOTHING);

        assertVariant(out, Operation.THUMBNAIL, again, 240, 320);
        assertNoTemporaryFiles(out);
    }

    static void assertVariant(Path out, Operation op, Map<Operation, VariantResult> results, int width, int height)
            throws IOException {
        Path file = out.resolve(op.fileName());
        VariantResult result = results.get(op);
        assertThat(result).as("result for %s", op).isNotNull();
        assertThat(result.width()).as("%s width", op).isEqualTo(width);
        assertThat(result.height()).as("%s height", op).isEqualTo(height);
        assertThat(result.bytes()).isEqualTo(Files.size(file));
        try (Mat decoded = readWebp(file)) {
            assertThat(decoded.cols()).as("%s decoded width", op).isEqualTo(width);
            assertThat(decoded.rows()).as("%s decoded height", op).isEqualTo(height);
        }
    }

    private static void assertNoOutputs(Path out) throws IOException {
        for (Operation op : IMAGE_OPS) {
            assertThat(out.resolve(op.fileName())).doesNotExist();
        }
        assertNoTemporaryFiles(out);
    }

    /** B, G, R at (x, y). */
    static List<Integer> pixel(Mat bgr, int x, int y) {
        try (UByteIndexer idx = bgr.createIndexer()) {
            return List.of(idx.get(y, x, 0), idx.get(y, x, 1), idx.get(y, x, 2));
        }
    }

    static boolean isRed(Mat bgr, int x, int y) {
        List<Integer> p = pixel(bgr, x, y);
        return p.get(2) > 200 && p.get(1) < 60 && p.get(0) < 60;
    }

    static double laplacianVariance(Mat bgr) {
        try (Mat gray = new Mat(); Mat laplacian = new Mat(); Mat mean = new Mat(); Mat stddev = new Mat()) {
            cvtColor(bgr, gray, COLOR_BGR2GRAY);
            Laplacian(gray, laplacian, CV_64F);
            meanStdDev(laplacian, mean, stddev);
            double sd = stddev.createIndexer().getDouble(0);
            return sd * sd;
        }
    }
}
