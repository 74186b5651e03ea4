package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
    void anUnreadableHeaderGivesNoDimensions() throws Exception {
        assertThat(reader.read(file("bad.jpg", TestFiles.corruptJpeg()), StoredFormat.JPEG)).isEmpty();
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
