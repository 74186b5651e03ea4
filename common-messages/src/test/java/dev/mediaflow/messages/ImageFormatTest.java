package dev.mediaflow.messages;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ImageFormatTest {

    @Test
    void heifAndAvifAreToldApartFromVideosByTheirFtypBrands() {
        assertThat(ImageFormat.sniff(ftyp("heic", "mif1", "heic"))).isEqualTo(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ftyp("heix", "mif1"))).isEqualTo(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ftyp("msf1", "hevc"))).isEqualTo(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ftyp("avif", "mif1", "miaf"))).isEqualTo(ImageFormat.AVIF);
        assertThat(ImageFormat.sniff(ftyp("avis", "msf1"))).isEqualTo(ImageFormat.AVIF);
        assertThat(ImageFormat.sniff(ftyp("mif1", "avif", "miaf"))).isEqualTo(ImageFormat.AVIF);

        assertThat(ImageFormat.sniff(ftyp("isom", "iso2", "avc1", "mp41"))).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.sniff(ftyp("qt  ", "qt  "))).isEqualTo(ImageFormat.UNKNOWN);
        // an AVIF compatible brand in a video's ftyp does not make it a photo: the major brand decides
        assertThat(ImageFormat.sniff(ftyp("mp42", "avif"))).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.sniff(new byte[]{0, 0, 0, 8, 'f', 't', 'y', 'p'})).isEqualTo(ImageFormat.UNKNOWN);
    }

    @Test
    void aBrandListLongerThanTheBytesReadIsNotOverrun() {
        byte[] bytes = ftyp("mif1", "miaf");
        ByteBuffer.wrap(bytes).putInt(0, 1_000_000);
        assertThat(ImageFormat.sniff(bytes)).isEqualTo(ImageFormat.HEIF);
    }

    static byte[] ftyp(String major, String... compatible) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int size = 16 + 4 * compatible.length;
        out.writeBytes(ByteBuffer.allocate(4).putInt(size).array());
        out.writeBytes(("ftyp" + major).getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[4]);
        for (String brand : compatible) {
            out.writeBytes(brand.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }
}
