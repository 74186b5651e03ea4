package dev.mediaflow.imageworker.variants;

import dev.mediaflow.imageworker.device.ImageDevice;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.media.MediaTooLargeException;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.mediaflow.imageworker.variants.PhotoVariantsTest.assertVariant;
import static dev.mediaflow.imageworker.variants.PhotoVariantsTest.isRed;
import static dev.mediaflow.imageworker.variants.PhotoVariantsTest.pixel;
import static dev.mediaflow.imageworker.variants.WebpAssertions.readWebp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC4;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;

/**
 * The decode budget (issue 12, hostile media): memory is counted by bytes per pixel (alpha, 16-bit) and by
 * frames for animations, and a photo over it is refused before anything is decoded, with a message that says
 * what it would have cost. Within it, large transparent pictures complete correctly.
 */
class DecodeBudgetTest {

    private static final List<Operation> IMAGE_OPS = List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
    private static final Runnable NOTHING = () -> { };

    @TempDir
    Path dir;

    private static VariantMaker withBudget(long megabytes) {
        return new VariantMaker(ImageDevice.cpu("test"),
                new DecodeLimits(DataSize.ofMegabytes(megabytes), Duration.ofSeconds(60)));
    }

    @Test
    void alphaAndSixteenBitsCountAgainstTheBudget() throws IOException {
        Path rgb;
        Path rgba16;
        try (Mat picture = TestMedia.picture(1000, 1000)) {
            rgb = TestMedia.image(dir.resolve("rgb.png"), picture);
        }
        try (Mat deep = new Mat(1000, 1000, CV_16UC4, new Scalar(20000, 30000, 40000, 65535))) {
            rgba16 = TestMedia.image(dir.resolve("rgba16.png"), deep);
        }
        VariantMaker maker = withBudget(4);

        // 1000x1000 x 3 bytes = 3 MB fits in 4 MB; x 4 channels x 2 bytes = 8 MB does not
        assertVariant(dir.resolve("ok"), Operation.THUMBNAIL,
                maker.make(rgb, MediaType.PHOTO, IMAGE_OPS, dir.resolve("ok"), NOTHING), 320, 320);
        assertThatThrownBy(() -> maker.make(rgba16, MediaType.PHOTO, IMAGE_OPS, dir.resolve("big"), NOTHING))
                .isInstanceOf(MediaTooLargeException.class)
                .hasMessage("PNG rgba16.png is too large to decode: 1000x1000 RGBA 16-bit needs 8 MB, over the worker's "
                        + "decode budget of 4 MB (MEDIAFLOW_DECODE_MAX_BYTES)");
        assertThat(dir.resolve("big").resolve("thumbnail.webp")).doesNotExist();
    }

    @Test
    void aReducedJpegDecodeCountsOnlyItsReducedSize() throws IOException {
        Path jpeg = TestMedia.jpeg(dir.resolve("big.jpg"), 4000, 3000);

        // full size would be 36 MB; decoded at 1/2 (2000x1500, still above 1280) it is 9 MB
        Map<Operation, VariantResult> results = withBudget(10).make(jpeg, MediaType.PHOTO, IMAGE_OPS, dir.resolve("out"), NOTHING);

        assertVariant(dir.resolve("out"), Operation.LOW_QUALITY, results, 1280, 960);
    }

    @Test
    void animationFramesCountAgainstTheBudgetButOnlyTheFirstIsDecoded() throws IOException {
        Path gif = animatedGif(dir.resolve("anim.gif"), 400, 300, 40);

        // 400x300 BGRA = 480 KB a frame; 40 frames = 18.3 MB
        assertThatThrownBy(() -> withBudget(10).make(gif, MediaType.PHOTO, IMAGE_OPS, dir.resolve("big"), NOTHING))
                .isInstanceOf(MediaTooLargeException.class)
                .hasMessageContaining("400x300 RGBA 8-bit x 40 frames needs 19 MB");

        Map<Operation, VariantResult> results = withBudget(64).make(gif, MediaType.PHOTO, IMAGE_OPS, dir.resolve("ok"), NOTHING);
        assertVariant(dir.resolve("ok"), Operation.THUMBNAIL, results, 320, 240);
        try (Mat thumb = readWebp(dir.resolve("ok").resolve("thumbnail.webp"))) {
            assertThat(isRed(thumb, 5, 5)).as("the first frame's marker").isTrue();
        }
    }

    @Test
    void largeHalfTransparentPngIsCompositedOverWhiteAfterScaling() throws IOException {
        Path png;
        try (Mat bgra = new Mat(3000, 4000, CV_8UC4, new Scalar(0, 0, 200, 255))) {
            try (Mat rightHalf = bgra.apply(new org.bytedeco.opencv.opencv_core.Rect(2000, 0, 2000, 3000))) {
                rightHalf.put(new Scalar(0, 0, 200, 0));
            }
            try (Mat middle = bgra.apply(new org.bytedeco.opencv.opencv_core.Rect(0, 1000, 2000, 1000))) {
                middle.put(new Scalar(0, 0, 200, 128));
            }
            png = TestMedia.image(dir.resolve("alpha.png"), bgra);
        }

        Map<Operation, VariantResult> results = withBudget(64).make(png, MediaType.PHOTO, IMAGE_OPS, dir.resolve("out"), NOTHING);

        assertVariant(dir.resolve("out"), Operation.LOW_QUALITY, results, 1280, 960);
        try (Mat low = readWebp(dir.resolve("out").resolve("low-quality.webp"))) {
            assertThat(pixel(low, 300, 100)).as("opaque red").satisfies(p -> {
                assertThat(p.get(2)).isCloseTo(200, within(12));
                assertThat(p.get(1)).isLessThan(15);
            });
            assertThat(pixel(low, 1000, 500)).as("transparent: white").allSatisfy(v -> assertThat(v).isGreaterThan(240));
            // 128/255 of (0, 0, 200) over white: about (127, 127, 227)
            assertThat(pixel(low, 300, 480)).as("half transparent").satisfies(p -> {
                assertThat(p.get(0)).isCloseTo(127, within(12));
                assertThat(p.get(2)).isCloseTo(227, within(12));
            });
        }
    }

    /**
     * An animated GIF of {@code frames} frames: the first is the marked test picture, the others plain green
     * (OpenCV writes the single frames; their image blocks are concatenated after the first one's header).
     */
    static Path animatedGif(Path file, int width, int height, int frames) throws IOException {
        byte[] first;
        byte[] other;
        try (Mat picture = TestMedia.picture(width, height); Mat green = new Mat(height, width, CV_8UC3, new Scalar(0, 255, 0, 0))) {
            first = TestMedia.encode(picture, ".gif");
            other = TestMedia.encode(green, ".gif");
        }
        int start = firstBlock(first);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first, 0, first.length - 1);
        int otherStart = firstBlock(other);
        for (int i = 1; i < frames; i++) {
            out.write(other, otherStart, other.length - 1 - otherStart);
        }
        out.write(0x3B);
        assertThat(start).isGreaterThan(12);
        return Files.write(file, out.toByteArray());
    }

    /** Where the blocks (extensions and images) begin: after the header, screen descriptor and global colour table. */
    private static int firstBlock(byte[] gif) {
        int i = 13;
        if ((gif[10] & 0x80) != 0) {
            i += 3 * (1 << ((gif[10] & 0x07) + 1));
        }
        assertThat(gif[gif.length - 1]).isEqualTo((byte) 0x3B);
        return i;
    }
}
