package dev.mediaflow.gateway.upload;

import java.io.IOException;
import java.util.Optional;

/**
 * An AVI's frame size from its header list: the main header (avih) and the format (strf, a
 * BITMAPINFOHEADER) of each video stream; the largest wins, because decoders size frames from the stream
 * format and a small avih must not hide a huge stream. Only the hdrl list is walked, never the movi data.
 */
final class AviSizes {

    private AviSizes() {
    }

    static Optional<ImageHeaderReader.Dimensions> read(HeaderFile file) throws IOException {
        if (!file.fourCc(0).equals("RIFF") || !file.fourCc(8).equals("AVI ")) {
            return Optional.empty();
        }
        long end = Math.min(file.size(), 8 + file.u32le(4));
        ImageHeaderReader.Dimensions[] largest = {new ImageHeaderReader.Dimensions(0, 0)};
        for (long position = 12; position + 12 <= end; ) {
            long size = file.u32le(position + 4);
            if (file.fourCc(position).equals("LIST") && file.fourCc(position + 8).equals("hdrl")) {
                walk(file, position + 12, Math.min(end, position + 8 + size), largest, null);
                break;
            }
            position += 8 + ((size + 1) & ~1L);
        }
        return largest[0].pixels() > 0 ? Optional.of(largest[0]) : Optional.empty();
    }

    /** The hdrl list ({@code videoStream} null), then one level below it each stream's strl list; no deeper. */
    private static void walk(HeaderFile file, long from, long to, ImageHeaderReader.Dimensions[] largest,
                             Boolean videoStream) throws IOException {
        for (long position = from; position + 8 <= to; ) {
            String id = file.fourCc(position);
            long size = file.u32le(position + 4);
            long data = position + 8;
            if (id.equals("avih") && size >= 40) {
                keepLarger(largest, file.u32le(data + 32), file.u32le(data + 36));
            } else if (id.equals("LIST") && size >= 16 && videoStream == null && file.fourCc(data).equals("strl")) {
                boolean video = file.fourCc(data + 4).equals("strh") && file.fourCc(data + 12).equals("vids");
                walk(file, data + 4, Math.min(to, data + size), largest, video);
            } else if (id.equals("strf") && Boolean.TRUE.equals(videoStream) && size >= 12) {
                keepLarger(largest, Math.abs((long) (int) file.u32le(data + 4)),
                        Math.abs((long) (int) file.u32le(data + 8)));
            }
            position = data + ((size + 1) & ~1L);
        }
    }

    private static void keepLarger(ImageHeaderReader.Dimensions[] largest, long width, long height) {
        ImageHeaderReader.Dimensions size = new ImageHeaderReader.Dimensions(width, height);
        if (size.pixels() > largest[0].pixels()) {
            largest[0] = size;
        }
    }
}
