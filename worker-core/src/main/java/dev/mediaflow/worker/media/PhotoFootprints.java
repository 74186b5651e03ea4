package dev.mediaflow.worker.media;

import dev.mediaflow.messages.ImageFormat;
import dev.mediaflow.messages.ImageHeader;

import java.nio.charset.StandardCharsets;

/**
 * The memory an OpenCV decode of a photo will take, read from the file's first bytes before decoding: the
 * shared {@link ImageHeader} gives the format and JPEG/PNG dimensions; this class adds what only the decoder
 * side needs, the decoded layout (channels, bit depth) and an animation's frame count (GIF image descriptors,
 * WebP ANMF chunks, APNG's acTL), and the sizes of WebP, GIF and BMP. Every read is bounded by the file's bytes
 * and never throws on a malformed file: it answers null ("unknown"), and the decode itself then fails cleanly.
 * TIFF is not sized here (its size sits behind IFD offsets): its decode is bounded by the gateway's pixel limit.
 */
public final class PhotoFootprints {

    private PhotoFootprints() {
    }

    /**
     * @param reduction the JPEG DCT scaling factor the decode will use (1, 2, 4 or 8)
     * @return the footprint, or null where the header does not say
     */
    public static PixelFootprint of(byte[] b, ImageHeader header, int reduction) {
        try {
            return switch (header.format()) {
                case JPEG -> header.hasSize() ? new PixelFootprint(ceilDiv(header.width(), reduction),
                        ceilDiv(header.height(), reduction), 3, 1, 1) : null;
                case PNG -> header.hasSize() ? png(b, header) : null;
                case GIF -> gif(b);
                case WEBP -> webp(b);
                case BMP -> bmp(b);
                default -> null;
            };
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    private static PixelFootprint png(byte[] b, ImageHeader header) {
        int depth = b[24] & 0xFF;
        // read unchanged (16-bit kept) where alpha may exist, else as 8-bit colour (PhotoDecoder.readFlags)
        boolean unchanged = header.mayHaveAlpha();
        int channels = unchanged ? 4 : 3;
        return new PixelFootprint(header.width(), header.height(), channels, unchanged && depth > 8 ? 2 : 1,
                apngFrames(b));
    }

    /** acTL's num_frames when it comes before the image data, else 1. */
    private static long apngFrames(byte[] b) {
        int i = 8;
        while (i + 12 <= b.length) {
            long length = u32be(b, i);
            String type = new String(b, i + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("acTL") && i + 12 <= b.length) {
                return Math.max(1, u32be(b, i + 8));
            }
            if (type.equals("IDAT") || length > b.length) {
                return 1;
            }
            i += 12 + (int) length;
        }
        return 1;
    }

    /** Logical screen size, decoded as BGRA, times the image descriptors found by walking the blocks. */
    private static PixelFootprint gif(byte[] b) {
        int width = u16le(b, 6);
        int height = u16le(b, 8);
        int i = 13;
        if ((b[10] & 0x80) != 0) {
            i += 3 * (1 << ((b[10] & 0x07) + 1));
        }
        long frames = 0;
        while (i < b.length) {
            int block = b[i] & 0xFF;
            if (block == 0x3B) {
                break;
            } else if (block == 0x21) {
                i = skipSubBlocks(b, i + 2);
            } else if (block == 0x2C) {
                frames++;
                int flags = b[i + 9] & 0xFF;
                i += 10;
                if ((flags & 0x80) != 0) {
                    i += 3 * (1 << ((flags & 0x07) + 1));
                }
                i = skipSubBlocks(b, i + 1);
            } else {
                break;
            }
        }
        return new PixelFootprint(width, height, 4, 1, Math.max(1, frames));
    }

    private static int skipSubBlocks(byte[] b, int i) {
        while (i < b.length) {
            int size = b[i] & 0xFF;
            i += 1 + size;
            if (size == 0) {
                break;
            }
        }
        return i;
    }

    private static PixelFootprint webp(byte[] b) {
        String chunk = new String(b, 12, 4, StandardCharsets.US_ASCII);
        return switch (chunk) {
            case "VP8X" -> new PixelFootprint(1 + u24le(b, 24), 1 + u24le(b, 27), (b[20] & 0x10) != 0 ? 4 : 3, 1,
                    (b[20] & 0x02) != 0 ? webpFrames(b) : 1);
            case "VP8L" -> {
                long bits = u32le(b, 21);
                yield new PixelFootprint(1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF),
                        (bits & (1L << 28)) != 0 ? 4 : 3, 1, 1);
            }
            case "VP8 " -> new PixelFootprint(u16le(b, 26) & 0x3FFF, u16le(b, 28) & 0x3FFF, 3, 1, 1);
            default -> null;
        };
    }

    private static long webpFrames(byte[] b) {
        long frames = 0;
        int i = 12;
        while (i + 8 <= b.length) {
            if (new String(b, i, 4, StandardCharsets.US_ASCII).equals("ANMF")) {
                frames++;
            }
            long size = u32le(b, i + 4);
            if (size > b.length) {
                break;
            }
            i += 8 + (int) size + (int) (size & 1);
        }
        return Math.max(1, frames);
    }

    private static PixelFootprint bmp(byte[] b) {
        int width = (int) u32le(b, 18);
        int height = Math.abs((int) u32le(b, 22));
        int bitsPerPixel = u16le(b, 28);
        return new PixelFootprint(width, height, bitsPerPixel == 32 ? 4 : 3, 1, 1);
    }

    private static long ceilDiv(long value, int divisor) {
        return (value + divisor - 1) / divisor;
    }

    private static int u16le(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static int u24le(byte[] b, int i) {
        return u16le(b, i) | (b[i + 2] & 0xFF) << 16;
    }

    private static long u32le(byte[] b, int i) {
        return (u16le(b, i) & 0xFFFFL) | (long) u16le(b, i + 2) << 16;
    }

    private static long u32be(byte[] b, int i) {
        return ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFFL) << 16) | ((b[i + 2] & 0xFFL) << 8) | (b[i + 3] & 0xFFL);
    }
}
