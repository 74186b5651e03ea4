package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.HeifEncoder;
import dev.mediaflow.gateway.support.HostileMedia;
import dev.mediaflow.gateway.support.TestFiles;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.apache.tika.Tika;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MediaSnifferTest {

    private static final Tika TIKA = new Tika();
    private final MediaSniffer sniffer = new MediaSniffer();

    @Test
    void photosAreRecognisedFromTheirBytes() {
        assertThat(sniffer.detect(TestFiles.image("jpg", 8, 8))).contains(StoredFormat.JPEG);
        assertThat(sniffer.detect(TestFiles.image("png", 8, 8))).contains(StoredFormat.PNG);
        assertThat(sniffer.detect(TestFiles.image("gif", 8, 8))).contains(StoredFormat.GIF);
        assertThat(sniffer.detect(TestFiles.image("bmp", 8, 8))).contains(StoredFormat.BMP);
        assertThat(sniffer.detect(TestFiles.image("tiff", 8, 8))).contains(StoredFormat.TIFF);
        assertThat(sniffer.detect(bytes("RIFF", new int[]{100, 0, 0, 0}, "WEBPVP8 "))).contains(StoredFormat.WEBP);
    }

    @Test
    void videoContainersAreToldApart() {
        assertThat(sniffer.detect(bytes(new int[]{0, 0, 0, 0x20}, "ftypisom", new int[]{0, 0, 2, 0}, "isomiso2avc1mp41")))
                .contains(StoredFormat.MP4);
        assertThat(sniffer.detect(bytes(new int[]{0, 0, 0, 0x18}, "ftypmp42", new int[]{0, 0, 0, 0}, "mp42isom")))
                .contains(StoredFormat.MP4);
        assertThat(sniffer.detect(bytes(new int[]{0, 0, 0, 0x14}, "ftypqt  ", new int[]{0, 0, 2, 0}, "qt  ")))
                .contains(StoredFormat.MOV);
        assertThat(sniffer.detect(bytes("RIFF", new int[]{100, 0, 0, 0}, "AVI LIST"))).contains(StoredFormat.AVI);
        assertThat(sniffer.detect(ebml("webm"))).contains(StoredFormat.WEBM);
        assertThat(sniffer.detect(ebml("matroska"))).contains(StoredFormat.MKV);
    }

    @Test
    void heicAndAvifAreRecognisedByTheirBrands() {
        assertThat(sniffer.detect(HeifEncoder.heic(32, 24))).contains(StoredFormat.HEIC);
        assertThat(sniffer.detect(HeifEncoder.avif(32, 24))).contains(StoredFormat.AVIF);
        assertThat(sniffer.detect(HostileMedia.heif("heix", new int[]{10, 10}))).contains(StoredFormat.HEIC);
        assertThat(sniffer.detect(HostileMedia.imageSequence("avis", 10, 10, 3))).contains(StoredFormat.AVIF);
        assertThat(sniffer.detect(HostileMedia.imageSequence("msf1", 10, 10, 3))).contains(StoredFormat.HEIC);
        assertThat(sniffer.detect(HostileMedia.video("isom", 10, 10, 10, 10, false))).contains(StoredFormat.MP4);
        assertThat(sniffer.detect(HostileMedia.video("qt  ", 10, 10, 10, 10, false))).contains(StoredFormat.MOV);
    }

    @Test
    void anythingElseIsUnsupported() {
        assertThat(sniffer.detect("hello, plain text".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(sniffer.detect(bytes("%PDF-1.4\n"))).isEmpty();
        assertThat(sniffer.detect(bytes(new int[]{0, 0, 0, 0x18}, "ftypM4A ", new int[]{0, 0, 0, 0}, "M4A isom")))
                .isEmpty();
        assertThat(sniffer.detect(new byte[0])).isEmpty();
    }

    @Property(tries = 200)
    void bytesThatBeginWithTheJpegMarkersAreAJpegWhateverFollows(@ForAll @Size(max = 512) byte[] tail) {
        byte[] head = new byte[3 + tail.length];
        head[0] = (byte) 0xFF;
        head[1] = (byte) 0xD8;
        head[2] = (byte) 0xFF;
        System.arraycopy(tail, 0, head, 3, tail.length);

        assertThat(sniffer.detect(head)).contains(StoredFormat.JPEG);
    }

    /** Each signature the shortcut knows, with the format it names and Tika's type for the same bytes. */
    enum Signature {
        JPEG(StoredFormat.JPEG, "image/jpeg", new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
        PNG(StoredFormat.PNG, "image/png", new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}),
        GIF87(StoredFormat.GIF, "image/gif", "GIF87a".getBytes(StandardCharsets.ISO_8859_1)),
        GIF89(StoredFormat.GIF, "image/gif", "GIF89a".getBytes(StandardCharsets.ISO_8859_1)),
        WEBP(StoredFormat.WEBP, "image/webp", "RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.ISO_8859_1));

        final StoredFormat format;
        final String tikaType;
        final byte[] prefix;

        Signature(StoredFormat format, String tikaType, byte[] prefix) {
            this.format = format;
            this.tikaType = tikaType;
            this.prefix = prefix;
        }
    }

    @Property(tries = 300)
    void theShortcutNamesWhatTikaNamesForEverySignatureWhateverFollows(@ForAll Signature signature,
                                                                       @ForAll @Size(max = 256) byte[] tail,
                                                                       @ForAll byte riffSize) {
        byte[] head = new byte[signature.prefix.length + tail.length];
        System.arraycopy(signature.prefix, 0, head, 0, signature.prefix.length);
        System.arraycopy(tail, 0, head, signature.prefix.length, tail.length);
        if (signature == Signature.WEBP) {
            head[4] = riffSize; // any RIFF chunk size
        }

        assertThat(MediaSniffer.bySignature(head)).contains(signature.format);
        assertThat(TIKA.detect(head)).isEqualTo(signature.tikaType);
    }

    @Test
    void bytesThatMissASignatureByOneAreLeftToTika() {
        for (Signature signature : Signature.values()) {
            byte[] head = java.util.Arrays.copyOf(signature.prefix, signature.prefix.length + 16);
            head[signature.prefix.length - 1] ^= 0x01;
            assertThat(MediaSniffer.bySignature(head)).as(signature.name()).isEmpty();
            byte[] shorter = java.util.Arrays.copyOf(signature.prefix, signature.prefix.length - 1);
            assertThat(MediaSniffer.bySignature(shorter)).as(signature.name() + " cut short").isEmpty();
        }
        // RIFF of another form (a WAV) is not a WebP
        assertThat(MediaSniffer.bySignature("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
        assertThat(sniffer.detect(TestFiles.image("png", 8, 8))).contains(StoredFormat.PNG);
        assertThat(sniffer.detect(TestFiles.image("gif", 8, 8))).contains(StoredFormat.GIF);
    }

    @Test
    void tikaSaysJpegForWhatTheShortcutTakesAsOneAndTheShortcutTakesNothingElse() {
        Tika tika = new Tika();
        for (int size : new int[]{8, 100, 1000}) {
            byte[] jpeg = TestFiles.image("jpg", size, size / 2 + 1);
            assertThat(MediaSniffer.isJpeg(jpeg)).isTrue();
            assertThat(tika.detect(jpeg)).isEqualTo("image/jpeg");
        }
        assertThat(MediaSniffer.isJpeg(new byte[]{(byte) 0xFF, (byte) 0xD8})).isFalse();
        assertThat(MediaSniffer.isJpeg(new byte[]{(byte) 0xFF, (byte) 0xD8, 0x00, (byte) 0xFF})).isFalse();
        assertThat(MediaSniffer.isJpeg(TestFiles.image("png", 8, 8))).isFalse();
        // a JPEG-2000 codestream begins FF 4F: not a JPEG, and not supported
        assertThat(sniffer.detect(new byte[]{(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51, 0, 0, 0, 0})).isEmpty();
    }

    private static byte[] ebml(String docType) {
        return bytes(new int[]{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01,
                0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08, 0x42, 0x82, 0x80 | docType.length()}, docType,
                new int[]{0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02});
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            } else {
                for (int b : (int[]) part) {
                    out.write(b);
                }
            }
        }
        out.writeBytes(new byte[200]);
        return out.toByteArray();
    }
}
