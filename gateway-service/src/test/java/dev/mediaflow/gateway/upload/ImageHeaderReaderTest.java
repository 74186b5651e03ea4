package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.HeifEncoder;
import dev.mediaflow.gateway.support.HostileMedia;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ImageHeaderReaderTest {

    private final ImageHeaderReader reader = new ImageHeaderReader();

    @TempDir
    Path dir;

    @Test
    void imageIoFormatsAreMeasuredFromTheHeader() throws Exception {
        assertThat(reader.read(file("a.jpg", TestFiles.image("jpg", 64, 48)), StoredFormat.JPEG))
                .contains(new ImageHeaderReader.Dimensions(64, 48));
        assertThat(reader.read(file("a.gif", TestFiles.image("gif", 33, 17)), StoredFormat.GIF))
                .contains(new ImageHeaderReader.Dimensions(33, 17));
        assertThat(reader.read(file("a.tif", TestFiles.image("tiff", 9, 5)), StoredFormat.TIFF))
                .contains(new ImageHeaderReader.Dimensions(9, 5));
        assertThat(reader.read(file("huge.png", TestFiles.pngHeaderClaiming(50_000, 40_000)), StoredFormat.PNG))
                .contains(new ImageHeaderReader.Dimensions(50_000, 40_000));
    }

    @Test
    void bmpAndTiffAreMeasuredByMetadataExtractor() throws Exception {
        assertThat(reader.read(file("a.bmp", TestFiles.image("bmp", 31, 7)), StoredFormat.BMP))
                .contains(new ImageHeaderReader.Dimensions(31, 7));
        assertThat(reader.read(file("a.tif", TestFiles.image("tiff", 300, 200)), StoredFormat.TIFF))
                .contains(new ImageHeaderReader.Dimensions(300, 200));
    }

    @Test
    void aJpegFrameHeaderFarInIsFound() throws Exception {
        byte[] jpeg = HostileMedia.jpegWithFrameHeaderAfter(300 * 1024, 30_000, 30_000);
        assertThat(reader.read(file("far.jpg", jpeg), StoredFormat.JPEG))
                .contains(new ImageHeaderReader.Dimensions(30_000, 30_000));
    }

    @Test
    void theLargestOfSeveralJpegFrameHeadersCounts() throws Exception {
        assertThat(reader.read(file("decoy.jpg", HostileMedia.jpegWithDecoyFrameHeader(20_000, 10_000)),
                StoredFormat.JPEG)).contains(new ImageHeaderReader.Dimensions(20_000, 10_000));
    }

    @Test
    void anUnreadableHeaderGivesNoDimensions() throws Exception {
        assertThat(reader.read(file("noframe.jpg", HostileMedia.jpegWithoutFrameHeader()), StoredFormat.JPEG)).isEmpty();
        assertThat(reader.read(file("cut.jpg", Arrays.copyOf(TestFiles.image("jpg", 64, 48), 100)), StoredFormat.JPEG))
                .isEmpty();
        assertThat(reader.read(file("cut.png", Arrays.copyOf(TestFiles.image("png", 64, 48), 20)), StoredFormat.PNG))
                .isEmpty();
        assertThat(reader.read(file("audio.mp4", HostileMedia.audioOnlyMp4()), StoredFormat.MP4)).isEmpty();
        assertThat(reader.read(file("ftyp.heic", HostileMedia.ftyp("heic", "mif1")), StoredFormat.HEIC)).isEmpty();
        assertThat(reader.read(file("empty.avi", new byte[0]), StoredFormat.AVI)).isEmpty();
    }

    @Test
    void animationsCountTheirFrames() throws Exception {
        assertThat(reader.read(file("a.png", HostileMedia.apng(500, 400, 12)), StoredFormat.PNG))
                .contains(new ImageHeaderReader.Dimensions(500, 400, 12));
        assertThat(reader.read(file("a.gif", HostileMedia.animatedGif(300, 200, 40)), StoredFormat.GIF))
                .contains(new ImageHeaderReader.Dimensions(300, 200, 40));
        assertThat(reader.read(file("a.webp", HostileMedia.animatedWebp(640, 480, 9)), StoredFormat.WEBP))
                .contains(new ImageHeaderReader.Dimensions(640, 480, 9));
        assertThat(reader.read(file("still.webp", HostileMedia.webp(640, 480)), StoredFormat.WEBP))
                .contains(new ImageHeaderReader.Dimensions(640, 480, 1));
        assertThat(reader.read(file("seq.avif", HostileMedia.imageSequence("avis", 1920, 1080, 60)), StoredFormat.AVIF))
                .contains(new ImageHeaderReader.Dimensions(1920, 1080, 60));
    }

    @Test
    void heifAndAvifSizesComeFromTheLargestIspe() throws Exception {
        // a phone's grid: 512x512 tiles, the 4032x3024 grid image and a thumbnail, in any order
        byte[] grid = HostileMedia.heif("heic", new int[]{512, 512}, new int[]{4032, 3024}, new int[]{320, 240});
        assertThat(reader.read(file("grid.heic", grid), StoredFormat.HEIC))
                .contains(new ImageHeaderReader.Dimensions(4032, 3024));
        // heif-enc codes whole 64-pixel HEVC blocks (ispe) and crops with clap: a multiple of 64 keeps them equal
        assertThat(reader.read(file("a.heic", HeifEncoder.heic(128, 64)), StoredFormat.HEIC))
                .contains(new ImageHeaderReader.Dimensions(128, 64));
        assertThat(reader.read(file("a.avif", HeifEncoder.avif(80, 60)), StoredFormat.AVIF))
                .contains(new ImageHeaderReader.Dimensions(80, 60));
    }

    @Test
    void videoFrameSizesComeFromTheContainer() throws Exception {
        assertThat(reader.read(file("a.mp4", HostileMedia.video("isom", 1920, 1080, 1920, 1088, true)), StoredFormat.MP4))
                .contains(new ImageHeaderReader.Dimensions(1920, 1088));
        assertThat(reader.read(file("a.mov", HostileMedia.video(null, 0, 0, 3840, 2160, false)), StoredFormat.MOV))
                .contains(new ImageHeaderReader.Dimensions(3840, 2160));
        assertThat(reader.read(file("a.webm", HostileMedia.matroska("webm", 1280, 720, false)), StoredFormat.WEBM))
                .contains(new ImageHeaderReader.Dimensions(1280, 720));
        assertThat(reader.read(file("late.mkv", HostileMedia.matroska("matroska", 4096, 2160, true)), StoredFormat.MKV))
                .contains(new ImageHeaderReader.Dimensions(4096, 2160));
        // the stream format outranks a smaller main header
        assertThat(reader.read(file("a.avi", HostileMedia.avi(320, 240, 12_000, 9_000)), StoredFormat.AVI))
                .contains(new ImageHeaderReader.Dimensions(12_000, 9_000));
    }

    @Test
    void pixelsSaturateInsteadOfWrappingRound() {
        assertThat(new ImageHeaderReader.Dimensions(4_294_967_295L, 4_294_967_295L, 4_294_967_295L).pixels())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(new ImageHeaderReader.Dimensions(3, 4, 5).pixels()).isEqualTo(60);
    }

    @Test
    void webpLossyLosslessAndExtendedHeadersAreParsed() {
        ByteBuffer lossy = webp("VP8 ");
        lossy.position(20).put(new byte[]{0, 0, 0, (byte) 0x9D, 0x01, 0x2A}).putShort((short) 4000).putShort((short) 3000);
        assertThat(ImageHeaderReader.webp(lossy.array())).contains(new ImageHeaderReader.Dimensions(4000, 3000));

        ByteBuffer lossless = webp("VP8L");
        int bits = (1999) | (999 << 14);
        lossless.position(20).put((byte) 0x2F).putInt(bits);
        assertThat(ImageHeaderReader.webp(lossless.array())).contains(new ImageHeaderReader.Dimensions(2000, 1000));

        ByteBuffer extended = webp("VP8X");
        extended.position(24).put(le24(11999)).put(le24(8999));
        assertThat(ImageHeaderReader.webp(extended.array())).contains(new ImageHeaderReader.Dimensions(12000, 9000));

        assertThat(ImageHeaderReader.webp(webp("ABCD").array())).isEmpty();
    }

    private static ByteBuffer webp(String chunk) {
        ByteBuffer buffer = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(56)
                .put("WEBP".getBytes(StandardCharsets.US_ASCII)).put(chunk.getBytes(StandardCharsets.US_ASCII))
                .putInt(20);
        return buffer;
    }

    private static byte[] le24(int value) {
        return new byte[]{(byte) value, (byte) (value >> 8), (byte) (value >> 16)};
    }

    private Path file(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }
}
