package dev.mediaflow.gateway.upload;

import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;

/**
 * A GIF's canvas and frame count: the block structure is walked (extension and image blocks are skipped by
 * their sub-block lengths, never decoded). The size is the logical screen, widened to any frame that
 * reaches past it, since a decoder allocates the larger of the two. Hand-written because
 * metadata-extractor's GIF reader copies comments and application data into memory on the way.
 */
final class GifFrames {

    private GifFrames() {
    }

    static Optional<ImageHeaderReader.Dimensions> read(HeaderFile file) throws IOException {
        String signature = new String(file.bytes(0, 6), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!signature.equals("GIF87a") && !signature.equals("GIF89a")) {
            return Optional.empty();
        }
        long width = file.u16le(6);
        long height = file.u16le(8);
        int screenFlags = file.u8(10);
        long position = 13 + colourTableSize(screenFlags);
        long frames = 0;
        try {
            boolean trailer = false;
            while (!trailer) {
                switch (file.u8(position)) {
                    case 0x21 -> position = skipSubBlocks(file, position + 2);
                    case 0x2C -> {
                        frames++;
                        width = Math.max(width, file.u16le(position + 1) + (long) file.u16le(position + 5));
                        height = Math.max(height, file.u16le(position + 3) + (long) file.u16le(position + 7));
                        position += 10 + colourTableSize(file.u8(position + 9)) + 1;
                        position = skipSubBlocks(file, position);
                    }
                    default -> trailer = true; // 0x3B, or anything a decoder would stop at too
                }
            }
        } catch (EOFException truncated) {
            // a truncated GIF: the frames seen so far are what a decoder would show
        }
        return Optional.of(new ImageHeaderReader.Dimensions(width, height, Math.max(1, frames)));
    }

    private static long colourTableSize(int flags) {
        return (flags & 0x80) == 0 ? 0 : 3L * (1 << ((flags & 0x07) + 1));
    }

    private static long skipSubBlocks(HeaderFile file, long position) throws IOException {
        int length;
        while ((length = file.u8(position)) != 0) {
            position += 1 + length;
        }
        return position + 1;
    }
}
