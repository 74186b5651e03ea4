package dev.mediaflow.gateway.upload;

import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;

/**
 * A PNG's size from its IHDR chunk and, for an animated PNG, the frame count its acTL chunk declares; acTL
 * must come before the first IDAT, so the walk stops there and never reads image data. Hand-written
 * because metadata-extractor's chunk reader knows no acTL and insists on reading on to IEND.
 */
final class PngFrames {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private PngFrames() {
    }

    static Optional<ImageHeaderReader.Dimensions> read(HeaderFile file) throws IOException {
        if (!java.util.Arrays.equals(file.bytes(0, 8), SIGNATURE) || file.u32be(8) != 13
                || !file.fourCc(12).equals("IHDR")) {
            return Optional.empty();
        }
        long width = file.u32be(16);
        long height = file.u32be(20);
        long frames = 1;
        long position = 33;
        try {
            while (true) {
                long length = file.u32be(position);
                String type = file.fourCc(position + 4);
                if (length > Integer.MAX_VALUE || type.equals("IDAT") || type.equals("IEND")) {
                    break;
                }
                if (type.equals("acTL") && length >= 8) {
                    frames = Math.max(1, file.u32be(position + 8));
                    break;
                }
                position += 12 + length;
            }
        } catch (EOFException truncated) {
            // the header is complete; what follows is the decoder's business
        }
        return Optional.of(new ImageHeaderReader.Dimensions(width, height, frames));
    }
}
