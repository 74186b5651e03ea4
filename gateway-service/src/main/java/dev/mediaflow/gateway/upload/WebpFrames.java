package dev.mediaflow.gateway.upload;

import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;

/**
 * A WebP's size from its first chunk (VP8 lossy, VP8L lossless or VP8X extended canvas) and, for an
 * animation, the number of ANMF frame chunks, counted by walking the RIFF chunk headers without reading
 * their payloads. Hand-written because metadata-extractor's RIFF reader copies each chunk it reads into
 * memory, the whole VP8 bitstream included.
 */
final class WebpFrames {

    private WebpFrames() {
    }

    static Optional<ImageHeaderReader.Dimensions> read(HeaderFile file) throws IOException {
        Optional<ImageHeaderReader.Dimensions> canvas =
                ImageHeaderReader.webp(file.bytes(0, (int) Math.min(64, file.size())));
        if (canvas.isEmpty() || !file.fourCc(12).equals("VP8X") || (file.u8(20) & 0x02) == 0) {
            return canvas;
        }
        long riffEnd = Math.min(file.size(), 8 + file.u32le(4));
        long frames = 0;
        long position = 12;
        try {
            while (position + 8 <= riffEnd) {
                if (file.fourCc(position).equals("ANMF")) {
                    frames++;
                }
                position += 8 + ((file.u32le(position + 4) + 1) & ~1L);
            }
        } catch (EOFException truncated) {
            // count what is there
        }
        ImageHeaderReader.Dimensions size = canvas.get();
        return Optional.of(new ImageHeaderReader.Dimensions(size.width(), size.height(), Math.max(1, frames)));
    }
}
