package dev.mediaflow.messages;

/**
 * What the first bytes of a photo say, read without decoding pixels. Width and height are the stored size
 * (before EXIF orientation) and -1 where the format's header is not parsed (only JPEG and PNG are).
 */
public record ImageHeader(ImageFormat format, int width, int height, boolean mayHaveAlpha) {

    public static ImageHeader parse(byte[] bytes) {
        ImageFormat format = ImageFormat.sniff(bytes);
        return switch (format) {
            case JPEG -> jpeg(bytes);
            case PNG -> png(bytes);
            case WEBP -> new ImageHeader(format, -1, -1, webpHasAlpha(bytes));
            case GIF -> new ImageHeader(format, -1, -1, true);
            default -> new ImageHeader(format, -1, -1, false);
        };
    }

    public boolean hasSize() {
        return width > 0 && height > 0;
    }

    public int longestSide() {
        return Math.max(width, height);
    }

    /** Walks the marker segments up to the first start-of-frame; APPn segments (EXIF, ICC) are skipped by length. */
    private static ImageHeader jpeg(byte[] b) {
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                break;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                i += 2;
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                break;
            }
            int length = u16be(b, i + 2);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF
                    && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame && i + 8 < b.length) {
                return new ImageHeader(ImageFormat.JPEG, u16be(b, i + 7), u16be(b, i + 5), false);
            }
            if (length < 2) {
                break;
            }
            i += 2 + length;
        }
        return new ImageHeader(ImageFormat.JPEG, -1, -1, false);
    }

    private static ImageHeader png(byte[] b) {
        if (b.length < 29) {
            return new ImageHeader(ImageFormat.PNG, -1, -1, false);
        }
        int colorType = b[25] & 0xFF;
        boolean alpha = colorType == 4 || colorType == 6 || pngHasTransparencyChunk(b);
        return new ImageHeader(ImageFormat.PNG, (int) u32be(b, 16), (int) u32be(b, 20), alpha);
    }

    private static boolean pngHasTransparencyChunk(byte[] b) {
        int i = 8;
        while (i + 8 <= b.length) {
            long length = u32be(b, i);
            String type = new String(b, i + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("tRNS")) {
                return true;
            }
            if (type.equals("IDAT") || length > b.length) {
                return false;
            }
            i += 12 + (int) length;
        }
        return false;
    }

    private static boolean webpHasAlpha(byte[] b) {
        if (ImageFormat.startsWith(b, 12, 'V', 'P', '8', 'X') && b.length > 20) {
            return (b[20] & 0x10) != 0;
        }
        if (ImageFormat.startsWith(b, 12, 'V', 'P', '8', 'L') && b.length > 24 && (b[20] & 0xFF) == 0x2F) {
            long bits = (b[21] & 0xFFL) | (b[22] & 0xFFL) << 8 | (b[23] & 0xFFL) << 16 | (b[24] & 0xFFL) << 24;
            return (bits & (1L << 28)) != 0;
        }
        return false;
    }

    private static int u16be(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    private static long u32be(byte[] b, int i) {
        return (long) u16be(b, i) << 16 | u16be(b, i + 2);
    }
}
