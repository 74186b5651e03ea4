package dev.mediaflow.messages;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Photo container formats recognised from their first bytes. HEIF (HEIC) and AVIF are ISO-BMFF files told
 * apart from MP4/MOV videos by their {@code ftyp} brands ({@link #isoImage}), so the gateway and the workers
 * agree on which brands are photos.
 */
public enum ImageFormat {
    JPEG, PNG, WEBP, GIF, BMP, TIFF, HEIF, AVIF, UNKNOWN;

    /** ISO/IEC 23008-12 brands of HEIF still images and image sequences (iPhone photos are {@code heic}). */
    public static final Set<String> HEIF_BRANDS = Set.of("heic", "heix", "hevc", "heim", "heis", "mif1", "msf1");
    /** AV1 Image File Format brands: still image and image sequence. */
    public static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");

    public static ImageFormat sniff(byte[] b) {
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return WEBP;
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return GIF;
        }
        if (startsWith(b, 0, 'B', 'M')) {
            return BMP;
        }
        if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)) {
            return TIFF;
        }
        return isoImage(b);
    }

    /**
     * HEIF or AVIF when the file starts with an {@code ftyp} box whose major brand is one of theirs (a generic
     * {@code mif1}/{@code msf1} major brand with an AVIF compatible brand is AVIF); UNKNOWN otherwise, which
     * includes every MP4 and QuickTime video.
     */
    public static ImageFormat isoImage(byte[] b) {
        if (b.length < 16 || !startsWith(b, 4, 'f', 't', 'y', 'p')) {
            return UNKNOWN;
        }
        String major = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
        if (AVIF_BRANDS.contains(major)) {
            return AVIF;
        }
        if (!HEIF_BRANDS.contains(major)) {
            return UNKNOWN;
        }
        long boxSize = (b[0] & 0xFFL) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        int end = (int) Math.min(Math.max(boxSize, 16), b.length);
        for (int i = 16; i + 4 <= end; i += 4) {
            if (AVIF_BRANDS.contains(new String(b, i, 4, StandardCharsets.ISO_8859_1))) {
                return AVIF;
            }
        }
        return HEIF;
    }

    public static boolean startsWith(byte[] b, int offset, int... expected) {
        if (b.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
