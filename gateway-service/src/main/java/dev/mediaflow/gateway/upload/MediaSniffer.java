package dev.mediaflow.gateway.upload;

import dev.mediaflow.messages.ImageFormat;
import org.apache.tika.Tika;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Decides what a file is from its first bytes only (Tika's magic detection), never from a name or
 * a client's Content-Type. Tika's core knows ISO media and Matroska only as families, so the brand
 * (MP4 vs QuickTime) and the EBML doc type (WebM vs Matroska) are read here; HEIF and AVIF photos are
 * ISO media too, recognised first by their {@code ftyp} brands ({@link ImageFormat#isoImage}, the list the
 * workers use as well).
 */
@Component
public class MediaSniffer {

    static final int HEAD_BYTES = 64 * 1024;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] GIF87A = "GIF87a".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] GIF89A = "GIF89a".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] RIFF = "RIFF".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] WEBP = "WEBP".getBytes(StandardCharsets.ISO_8859_1);

    private final Tika tika = new Tika();

    public Optional<StoredFormat> detect(Path file) throws IOException {
        return detect(readHead(file));
    }

    public Optional<StoredFormat> detect(byte[] head) {
        if (head.length == 0) {
            return Optional.empty();
        }
        Optional<StoredFormat> signed = bySignature(head);
        if (signed.isPresent()) {
            return signed;
        }
        switch (ImageFormat.isoImage(head)) {
            case HEIF -> {
                return Optional.of(StoredFormat.HEIC);
            }
            case AVIF -> {
                return Optional.of(StoredFormat.AVIF);
            }
            default -> {
                // not an ISO-BMFF photo: Tika decides below
            }
        }
        String mime = tika.detect(head);
        return Optional.ofNullable(switch (mime) {
            case "image/jpeg" -> StoredFormat.JPEG;
            case "image/png" -> StoredFormat.PNG;
            case "image/webp" -> StoredFormat.WEBP;
            case "image/gif" -> StoredFormat.GIF;
            case "image/bmp", "image/x-bmp", "image/x-ms-bmp" -> StoredFormat.BMP;
            case "image/tiff" -> StoredFormat.TIFF;
            case "video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp", "video/3gpp2" -> isoMedia(head);
            case "video/webm", "video/x-matroska", "application/x-matroska" -> matroska(head);
            case "video/x-msvideo", "video/avi" -> StoredFormat.AVI;
            default -> null;
        });
    }

    /**
     * The photo formats whose first bytes are all Tika's magic asks for them: a JPEG's start-of-image marker and
     * first segment marker ({@code FF D8 FF}), the PNG signature, {@code GIF87a}/{@code GIF89a}, and a RIFF file
     * of form {@code WEBP}. Tika's detection walks its whole magic table, a twentieth of the gateway's CPU for a
     * small JPEG and an eighth of the upload thread's for a small PNG; these are told without it.
     */
    static Optional<StoredFormat> bySignature(byte[] head) {
        if (isJpeg(head)) {
            return Optional.of(StoredFormat.JPEG);
        }
        if (startsWith(head, 0, PNG_SIGNATURE)) {
            return Optional.of(StoredFormat.PNG);
        }
        if (startsWith(head, 0, GIF87A) || startsWith(head, 0, GIF89A)) {
            return Optional.of(StoredFormat.GIF);
        }
        if (startsWith(head, 0, RIFF) && startsWith(head, 8, WEBP)) {
            return Optional.of(StoredFormat.WEBP);
        }
        return Optional.empty();
    }

    static boolean isJpeg(byte[] head) {
        return head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF;
    }

    private static boolean startsWith(byte[] head, int offset, byte[] prefix) {
        return head.length >= offset + prefix.length
                && Arrays.equals(head, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    /** {@code ftyp} with major brand {@code "qt  "}, or no {@code ftyp} at all (old QuickTime), is MOV. */
    private static StoredFormat isoMedia(byte[] head) {
        if (head.length >= 12 && ascii(head, 4, 4).equals("ftyp")) {
            return ascii(head, 8, 4).equals("qt  ") ? StoredFormat.MOV : StoredFormat.MP4;
        }
        return StoredFormat.MOV;
    }

    /** The EBML header's DocType element (id 0x4282) says "webm" or "matroska"; its size is an EBML variable-length integer. */
    private static StoredFormat matroska(byte[] head) {
        int limit = Math.min(head.length, 256);
        for (int i = 4; i + 2 < limit; i++) {
            if ((head[i] & 0xFF) == 0x42 && (head[i + 1] & 0xFF) == 0x82) {
                int first = head[i + 2] & 0xFF;
                int sizeLength = Integer.numberOfLeadingZeros(first) - 23;
                if (sizeLength < 1 || sizeLength > 8 || i + 2 + sizeLength > head.length) {
                    continue;
                }
                long size = first & (0xFF >> sizeLength);
                for (int k = 1; k < sizeLength; k++) {
                    size = size << 8 | (head[i + 2 + k] & 0xFF);
                }
                int start = i + 2 + sizeLength;
                if (size > 0 && size <= 16 && start + size <= head.length) {
                    return ascii(head, start, (int) size).equals("webm") ? StoredFormat.WEBM : StoredFormat.MKV;
                }
            }
        }
        return StoredFormat.MKV;
    }

    private static String ascii(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }

    static byte[] readHead(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEAD_BYTES);
        }
    }
}
