package dev.mediaflow.worker.media;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Recognises HEIF and AVIF files by their ISO-BMFF {@code ftyp} brands (contract, Upload: heic, heix, hevc, heim,
 * heis, mif1, msf1 for HEIF; avif, avis for AVIF). AVIF wins when both kinds of brand are listed, as AVIF files
 * also carry mif1. The workers route these to {@link HeifDecoder}; OpenCV does not read them.
 */
public final class HeifBrands {

    private static final Set<String> HEIF = Set.of("heic", "heix", "hevc", "heim", "heis", "mif1", "msf1");
    private static final Set<String> AVIF = Set.of("avif", "avis");

    private HeifBrands() {
    }

    /** "AVIF", "HEIC", or null when the bytes are not a HEIF-family image. */
    public static String kind(byte[] b) {
        if (b.length < 16 || !new String(b, 4, 4, StandardCharsets.US_ASCII).equals("ftyp")) {
            return null;
        }
        long size = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        int end = (int) Math.min(Math.max(size, 16), Math.min(b.length, 4096));
        boolean heif = false;
        for (int i = 8; i + 4 <= end; i += 4) {
            if (i == 12) {
                continue; // minor version
            }
            String brand = new String(b, i, 4, StandardCharsets.US_ASCII);
            if (AVIF.contains(brand)) {
                return "AVIF";
            }
            heif |= HEIF.contains(brand);
        }
        return heif ? "HEIC" : null;
    }
}
