package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.media.VideoFrames;
import dev.mediaflow.worker.media.UnreadableMediaException;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mediaflow.imageworker.variants.PhotoVariantsTest.assertVariant;
import static dev.mediaflow.imageworker.variants.PhotoVariantsTest.isRed;
import static dev.mediaflow.imageworker.variants.WebpAssertions.assertNoTemporaryFiles;
import static dev.mediaflow.imageworker.variants.WebpAssertions.readWebp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.mean;

class VideoVariantsTest {

    private static final List<Operation> IMAGE_OPS = List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
    private static final int FRAMES = 30;
    private static final int FPS = 25;

    @TempDir
    static Path shared;

    private static Path grayVideo;
    /** Mean gray of every frame as FFmpeg decodes them one after the other. */
    private static List<Double> decodedLevels;

    @BeforeAll
    static void makeVideo() throws IOException {
        grayVideo = TestMedia.grayLevelMp4(shared.resolve("gray.mp4"), FRAMES, FPS, 0);
        decodedLevels = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(grayVideo.toFile());
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                decodedLevels.add(mean(converter.convert(frame)).get(0));
            }
        }
    }

    @Test
    void theTestVideoIsH264WithDistinctFrames() throws IOException {
        System.out.println("test video encoder: " + TestMedia.videoEncoder());
        assertThat(TestMedia.videoEncoder()).isEqualTo("libopenh264");
        assertThat(decodedLevels).hasSize(FRAMES);
        for (int i = 1; i < FRAMES; i++) {
            assertThat(decodedLevels.get(i) - decodedLevels.get(i - 1)).as("step to frame %d", i).isGreaterThan(5);
        }
    }

    @Test
    void aVideosFrameGrabIsAProgressStepOfItsOwnBeforeTheDecode(@TempDir Path dir) {
        List<Integer> progress = new ArrayList<>();

        new VariantMaker().make(grayVideo, MediaType.VIDEO, IMAGE_OPS, dir.resolve("out"), () -> { }, progress::add);

        assertThat(progress).startsWith(VariantMaker.FRAME_GRABBED, VariantMaker.DECODED)
                .endsWith(VariantMaker.ENCODED).hasSize(8).isSorted();
    }

    @Test
    void variantsComeFromTheFrameAtTenPercent(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");

        Map<Operation, VariantResult> results = new VariantMaker()
                .make(grayVideo, MediaType.VIDEO, IMAGE_OPS, out, () -> { });

        for (Operation op : IMAGE_OPS) {
            assertVariant(out, op, results, 160, 120);
        }
        try (Mat thumb = readWebp(out.resolve("thumbnail.webp"))) {
            assertThat(closestFrame(mean(thumb).get(0))).isEqualTo(FRAMES / 10);
        }
        assertNoTemporaryFiles(out);
    }

    @Test
    void frameAtTenPercentIsExposedForOtherWorkers() {
        try (Mat frame = VideoFrames.frameAt10Percent(grayVideo, DecodeLimits.DEFAULT)) {
            assertThat(frame.cols()).isEqualTo(160);
            assertThat(frame.rows()).isEqualTo(120);
            assertThat(frame.channels()).isEqualTo(3);
            assertThat(closestFrame(mean(frame).get(0))).isEqualTo(3);
        }
    }

    @Test
    void aVideoTooShortForTenPercentGivesItsFirstFrame(@TempDir Path dir) throws IOException {
        Path shortVideo = TestMedia.grayLevelMp4(dir.resolve("short.mp4"), 3, FPS, 0);

        try (Mat frame = VideoFrames.frameAt10Percent(shortVideo, DecodeLimits.DEFAULT)) {
            assertThat(closestFrame(mean(frame).get(0))).isZero();
        }
    }

    @Test
    void tenPercentTimestampRule() {
        assertThat(VideoFrames.tenPercentTimestamp(2_000_000, 25)).isEqualTo(200_000);
        assertThat(VideoFrames.tenPercentTimestamp(120_000, 25)).isZero();
        assertThat(VideoFrames.tenPercentTimestamp(0, 25)).isZero();
        assertThat(VideoFrames.tenPercentTimestamp(-1, 0)).isZero();
        assertThat(VideoFrames.tenPercentTimestamp(10_000_000, 0)).isEqualTo(1_000_000);
    }

    @Test
    void displayRotationIsApplied(@TempDir Path dir) throws IOException {
        Path rotated = TestMedia.grayLevelMp4(dir.resolve("rotated.mp4"), 10, FPS, 90);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(rotated.toFile())) {
            grabber.start();
            // av_display_rotation_get: counterclockwise degrees; +90 means "turn 90 degrees counterclockwise to show"
            assertThat(grabber.getDisplayRotation()).isEqualTo(90.0);
        }
        Path out = dir.resolve("out");

        Map<Operation, VariantResult> results = new VariantMaker()
                .make(rotated, MediaType.VIDEO, List.of(Operation.THUMBNAIL), out, () -> { });

        assertVariant(out, Operation.THUMBNAIL, results, 120, 160);
        try (Mat thumb = readWebp(out.resolve("thumbnail.webp"))) {
            assertThat(isRed(thumb, 5, thumb.rows() - 5)).as("stored top-left shows bottom-left").isTrue();
            assertThat(isRed(thumb, 5, 5)).isFalse();
        }
    }

    @Test
    void truncatedVideoIsRefusedWithAClearMessage(@TempDir Path dir) throws IOException {
        Path truncated = TestMedia.truncated(grayVideo, dir.resolve("cut.mp4"), 0.5);
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> new VariantMaker().make(truncated, MediaType.VIDEO, IMAGE_OPS, out, () -> { }))
                .isInstanceOf(UnreadableMediaException.class)
                .hasMessageStartingWith("cannot decode video cut.mp4:")
                .hasMessageNotContaining(dir.toString());
        assertThat(out.resolve("thumbnail.webp")).doesNotExist();
    }

    @Test
    void textFileAsVideoIsRefused(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("clip.mp4"), "not a video\n");

        assertThatThrownBy(() -> VideoFrames.frameAt10Percent(text, DecodeLimits.DEFAULT))
                .isInstanceOf(UnreadableMediaException.class)
                .hasMessageStartingWith("cannot decode video clip.mp4:");
    }

    private static int closestFrame(double level) {
        int best = 0;
        for (int i = 1; i < decodedLevels.size(); i++) {
            if (Math.abs(decodedLevels.get(i) - level) < Math.abs(decodedLevels.get(best) - level)) {
                best = i;
            }
        }
        assertThat(Math.abs(decodedLevels.get(best) - level)).as("level %s matches a frame", level).isLessThan(3);
        return best;
    }
}
