package dev.mediaflow.gateway.upload;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Frame sizes from ISO base media files (ISO/IEC 14496-12) by walking box headers, never reading media data:
 * <ul>
 *   <li>HEIF and AVIF photos: the image spatial extents ({@code meta/iprp/ipco/ispe}) of every item; the largest
 *       counts, because a grid image, its tiles and its thumbnail each carry one and the grid is the biggest.
 *       An image sequence (AVIF {@code avis}, HEIF {@code msf1}) also counts frames x size of its tracks.</li>
 *   <li>MP4 and QuickTime videos: the largest video track, from its track header ({@code tkhd}) and its
 *       sample description ({@code stsd}), whichever is bigger; a {@code moov} after the media data is found
 *       by seeking past it.</li>
 * </ul>
 * Hand-written rather than metadata-extractor: its HEIF reader keeps only the last {@code ispe} it meets (often
 * a tile's or the thumbnail's) and its 2.19 release knows no AVIF.
 */
final class IsoBmffSizes {

    private IsoBmffSizes() {
    }

    record Box(String type, long payload, long end) {
        long size() {
            return end - payload;
        }
    }

    private record Track(String handler, ImageHeaderReader.Dimensions size, long samples) {
    }

    static Optional<ImageHeaderReader.Dimensions> image(HeaderFile file) throws IOException {
        List<Box> top = children(file, 0, file.size());
        ImageHeaderReader.Dimensions largest = null;
        for (Box meta : named(top, "meta")) {
            for (Box iprp : named(children(file, meta.payload() + 4, meta.end()), "iprp")) {
                for (Box ipco : named(children(file, iprp.payload(), iprp.end()), "ipco")) {
                    for (Box ispe : named(children(file, ipco.payload(), ipco.end()), "ispe")) {
                        if (ispe.size() >= 12) {
                            largest = larger(largest, new ImageHeaderReader.Dimensions(
                                    file.u32be(ispe.payload() + 4), file.u32be(ispe.payload() + 8)));
                        }
                    }
                }
            }
        }
        for (Track track : tracks(file, top)) {
            if (track.handler().equals("pict") || track.handler().equals("vide")) {
                ImageHeaderReader.Dimensions size = track.size();
                largest = larger(largest, new ImageHeaderReader.Dimensions(size.width(), size.height(),
                        Math.max(1, track.samples())));
            }
        }
        return Optional.ofNullable(largest);
    }

    static Optional<ImageHeaderReader.Dimensions> video(HeaderFile file) throws IOException {
        ImageHeaderReader.Dimensions largest = null;
        for (Track track : tracks(file, children(file, 0, file.size()))) {
            if (track.handler().equals("vide")) {
                largest = larger(largest, track.size());
            }
        }
        return Optional.ofNullable(largest);
    }

    private static List<Track> tracks(HeaderFile file, List<Box> top) throws IOException {
        List<Track> tracks = new ArrayList<>();
        for (Box moov : named(top, "moov")) {
            for (Box trak : named(children(file, moov.payload(), moov.end()), "trak")) {
                track(file, trak).ifPresent(tracks::add);
            }
        }
        return tracks;
    }

    private static Optional<Track> track(HeaderFile file, Box trak) throws IOException {
        List<Box> boxes = children(file, trak.payload(), trak.end());
        ImageHeaderReader.Dimensions size = new ImageHeaderReader.Dimensions(0, 0);
        for (Box tkhd : named(boxes, "tkhd")) {
            long offset = file.u8(tkhd.payload()) == 1 ? 88 : 76;
            if (tkhd.size() >= offset + 8) {
                size = larger(size, new ImageHeaderReader.Dimensions(file.u32be(tkhd.payload() + offset) >>> 16,
                        file.u32be(tkhd.payload() + offset + 4) >>> 16));
            }
        }
        String handler = "";
        long samples = 0;
        for (Box mdia : named(boxes, "mdia")) {
            List<Box> media = children(file, mdia.payload(), mdia.end());
            for (Box hdlr : named(media, "hdlr")) {
                if (hdlr.size() >= 12) {
                    handler = file.fourCc(hdlr.payload() + 8);
                }
            }
            for (Box minf : named(media, "minf")) {
                for (Box stbl : named(children(file, minf.payload(), minf.end()), "stbl")) {
                    List<Box> table = children(file, stbl.payload(), stbl.end());
                    for (Box stsd : named(table, "stsd")) {
                        long entry = stsd.payload() + 8;
                        if (stsd.size() >= 8 + 36) {
                            size = larger(size, new ImageHeaderReader.Dimensions(file.u16be(entry + 32),
                                    file.u16be(entry + 34)));
                        }
                    }
                    for (Box stsz : table) {
                        if ((stsz.type().equals("stsz") || stsz.type().equals("stz2")) && stsz.size() >= 12) {
                            samples = Math.max(samples, file.u32be(stsz.payload() + 8));
                        }
                    }
                }
            }
        }
        return size.pixels() > 0 ? Optional.of(new Track(handler, size, samples)) : Optional.empty();
    }

    /** The boxes between {@code from} and {@code to}; one that claims to run past {@code to} is cut there. */
    static List<Box> children(HeaderFile file, long from, long to) throws IOException {
        List<Box> boxes = new ArrayList<>();
        long position = from;
        while (position + 8 <= to) {
            long size = file.u32be(position);
            String type = file.fourCc(position + 4);
            long header = 8;
            if (size == 1) {
                size = file.u64be(position + 8);
                header = 16;
            } else if (size == 0) {
                size = to - position;
            }
            if (type.equals("uuid")) {
                header += 16;
            }
            if (size < header) {
                throw new IOException("box " + type + " is smaller than its header");
            }
            long end = to - position < size ? to : position + size;
            boxes.add(new Box(type, position + header, end));
            position = end;
        }
        return boxes;
    }

    private static List<Box> named(List<Box> boxes, String type) {
        return boxes.stream().filter(b -> b.type().equals(type)).toList();
    }

    private static ImageHeaderReader.Dimensions larger(ImageHeaderReader.Dimensions a, ImageHeaderReader.Dimensions b) {
        return a == null || b.pixels() > a.pixels() ? b : a;
    }
}
