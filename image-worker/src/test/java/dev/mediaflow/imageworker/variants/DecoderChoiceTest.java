package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.PhotoDecoder;
import dev.mediaflow.messages.ImageHeader;
import dev.mediaflow.messages.ImageFormat;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.*;

class DecoderChoiceTest {

    @Test
    void jpegSizeIsReadFromTheFrameHeaderEvenBehindAnExifSegment() {
        byte[] jpeg = TestMedia.withExifOrientation(TestMedia.jpegBytes(4000, 3000), 6);

        ImageHeader header = ImageHeader.parse(jpeg);

        assertThat(header).isEqualTo(new ImageHeader(ImageFormat.JPEG, 4000, 3000, false));
    }

    @Test
    void jpegIsDecodedReducedOnlyAsFarAsTheLargestVariantAllows() {
        ImageHeader large = new ImageHeader(ImageFormat.JPEG, 4000, 3000, false);

        assertThat(PhotoDecoder.readFlags(large, 1280)).isEqualTo(IMREAD_REDUCED_COLOR_2);
        assertThat(PhotoDecoder.readFlags(large, 640)).isEqualTo(IMREAD_REDUCED_COLOR_4);
        assertThat(PhotoDecoder.readFlags(large, 320)).isEqualTo(IMREAD_REDUCED_COLOR_8);
        assertThat(PhotoDecoder.readFlags(new ImageHeader(ImageFormat.JPEG, 2000, 1500, false), 1280))
                .isEqualTo(IMREAD_COLOR);
        assertThat(PhotoDecoder.readFlags(new ImageHeader(ImageFormat.JPEG, -1, -1, false), 320))
                .isEqualTo(IMREAD_COLOR);
        assertThat(PhotoDecoder.readFlags(new ImageHeader(ImageFormat.PNG, 4000, 3000, false), 320))
                .isEqualTo(IMREAD_COLOR);
    }

    @Test
    void reducedDecodeStillAppliesExifOrientation() {
        byte[] jpeg = TestMedia.withExifOrientation(TestMedia.jpegBytes(4000, 3000), 6);

        try (Mat reduced = PhotoDecoder.openCvDecode(jpeg, IMREAD_REDUCED_COLOR_4)) {
            assertThat(reduced.cols()).isEqualTo(750);
            assertThat(reduced.rows()).isEqualTo(1000);
        }
    }

    @Test
    void alphaIsDetectedFromThePngHeader() {
        try (Mat bgra = new Mat(10, 20, CV_8UC4); Mat bgr = TestMedia.picture(20, 10)) {
            ImageHeader withAlpha = ImageHeader.parse(TestMedia.encode(bgra, ".png"));
            ImageHeader opaque = ImageHeader.parse(TestMedia.encode(bgr, ".png"));

            assertThat(withAlpha).isEqualTo(new ImageHeader(ImageFormat.PNG, 20, 10, true));
            assertThat(opaque).isEqualTo(new ImageHeader(ImageFormat.PNG, 20, 10, false));
            assertThat(PhotoDecoder.readFlags(withAlpha, 320)).isEqualTo(IMREAD_UNCHANGED);
        }
    }

    @Test
    void unknownBytesAreNotAFormat() {
        assertThat(ImageFormat.sniff("hello".getBytes())).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.sniff(new byte[0])).isEqualTo(ImageFormat.UNKNOWN);
    }
}
