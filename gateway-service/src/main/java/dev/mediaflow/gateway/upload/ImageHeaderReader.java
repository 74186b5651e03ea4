package dev.mediaflow.gateway.upload;

import com.drew.imaging.ImageProcessingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a photo's or a video's frame size from its header only, never decoding pixels, so a decompression bomb
 * is refused before anything allocates its size. Empty when the header cannot be read: the caller refuses
 * such a file (422), because a size that cannot be checked cannot be trusted to a decoder.
 *
 * <p>Every reader finds the header wherever its format puts it, walking the file's structure with seeks and
 * small reads ({@link HeaderFile}, {@link JpegFrameHeader#SCAN_LIMIT}); none allocates what a length field in
 * the file claims. Animated GIF, WebP and PNG and image sequences report their frame count, so that frames x
 * pixels is what the budget sees (as imgproxy counts it).
 */
@Component
public class ImageHeaderReader {

    private static final Logger log = LoggerFactory.getLogger(ImageHeaderReader.class);

    /**
     * A frame size and how many frames the file declares (1 for a still image and for a video, whose limit is
     * on its frame size).
     */
    public record Dimensions(long width, long height, long frames) {

        public Dimensions(long width, long height) {
            this(width, height, 1);
        }

        /** frames x width x height, saturating: a hostile header's product never wraps round to a small number. */
        public long pixels() {
            return saturatingProduct(saturatingProduct(width, height), frames);
        }

        boolean isPlausible() {
            return width > 0 && height > 0 && frames > 0;
        }

        private static long saturatingProduct(long a, long b) {
            long high = Math.multiplyHigh(a, b);
            long low = a * b;
            return high != 0 || low < 0 ? (a < 0 != b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : low;
        }
    }

    public Optional<Dimensions> read(Path file, StoredFormat format) {
        try {
            return measure(file, format);
        } catch (IOException | ImageProcessingException | RuntimeException e) {
            log.debug("Header of {} ({}) is unreadable: {}", file.getFileName(), format, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The size, empty when the header says nothing usable; a header that breaks off or contradicts itself
     * throws IOException (or metadata-extractor's ImageProcessingException), and nothing else.
     */
    Optional<Dimensions> measure(Path file, StoredFormat format) throws IOException, ImageProcessingException {
        try (HeaderFile header = HeaderFile.open(file)) {
            Optional<Dimensions> size = switch (format) {
                case JPEG -> JpegFrameHeader.read(file);
                case PNG -> PngFrames.read(header);
                case GIF -> GifFrames.read(header);
                case WEBP -> WebpFrames.read(header);
                case BMP -> MetadataExtractorSizes.bmp(header);
                case TIFF -> MetadataExtractorSizes.tiff(file);
                case HEIC, AVIF -> IsoBmffSizes.image(header);
                case MP4, MOV -> IsoBmffSizes.video(header);
                case WEBM, MKV -> MatroskaSizes.read(header);
                case AVI -> AviSizes.read(header);
            };
            return size.filter(Dimensions::isPlausible);
        }
    }

    /** RIFF/WEBP with a VP8 (lossy), VP8L (lossless) or VP8X (extended) first chunk. */
    static Optional<Dimensions> webp(byte[] h) {
        if (h.length < 30 || !ascii(h, 0, 4).equals("RIFF") || !ascii(h, 8, 4).equals("WEBP")) {
            return Optional.empty();
        }
        return switch (ascii(h, 12, 4)) {
            case "VP8 " -> (h[23] & 0xFF) == 0x9D && (h[24] & 0xFF) == 0x01 && (h[25] & 0xFF) == 0x2A
                    ? Optional.of(new Dimensions(le16(h, 26) & 0x3FFF, le16(h, 28) & 0x3FFF))
                    : Optional.empty();
            case "VP8L" -> {
                if ((h[20] & 0xFF) != 0x2F) {
                    yield Optional.empty();
                }
                long bits = le32(h, 21);
                yield Optional.of(new Dimensions((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1));
            }
            case "VP8X" -> Optional.of(new Dimensions(le24(h, 24) + 1, le24(h, 27) + 1));
            default -> Optional.empty();
        };
    }

    private static String ascii(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static long le24(byte[] b, int i) {
        return le16(b, i) | (long) (b[i + 2] & 0xFF) << 16;
    }

    private static long le32(byte[] b, int i) {
        return le24(b, i) | (long) (b[i + 3] & 0xFF) << 24;
    }
}
