package dev.mediaflow.gateway.upload;

import dev.mediaflow.messages.ImageHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;

/**
 * Reads an image's dimensions from its header only, never decoding pixels, so a decompression bomb
 * is refused before anything allocates its size. Empty when the header cannot be read.
 */
@Component
public class ImageHeaderReader {

    private static final Logger log = LoggerFactory.getLogger(ImageHeaderReader.class);
    /** EXIF and ICC segments come before the frame header; 256 KiB covers them in practice. */
    private static final int HEADER_BYTES = 256 * 1024;

    public record Dimensions(long width, long height) {
        public long pixels() {
            return width * height;
        }
    }

    public Optional<Dimensions> read(Path file, StoredFormat format) {
        try {
            return switch (format) {
                case WEBP -> webp(MediaSniffer.readHead(file));
                // our own marker walk: ImageIO gives up on lossless/arithmetic JPEGs (SOF3, SOF9...) that decoders read
                case JPEG, PNG -> markers(file);
                default -> viaImageIo(file, format);
            };
        } catch (IOException | RuntimeException e) {
            log.debug("Header of {} ({}) is unreadable: {}", file.getFileName(), format, e.toString());
            return Optional.empty();
        }
    }

    private static Optional<Dimensions> markers(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEADER_BYTES);
        }
        ImageHeader header = ImageHeader.parse(head);
        return header.hasSize() ? Optional.of(new Dimensions(header.width(), header.height())) : Optional.empty();
    }

    private static Optional<Dimensions> viaImageIo(Path file, StoredFormat format) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(format.contentType());
        if (!readers.hasNext()) {
            return Optional.empty();
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in, true, true);
            return Optional.of(new Dimensions(reader.getWidth(0), reader.getHeight(0)));
        } finally {
            reader.dispose();
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
