package dev.mediaflow.gateway.upload;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The largest video frame size a WebM or Matroska file declares ({@code Segment/Tracks/TrackEntry/Video/
 * PixelWidth, PixelHeight}), read by walking EBML element headers. The Tracks element normally precedes the
 * clusters; when it does not, the SeekHead says where it is. A live-stream file whose clusters have an
 * unknown size cannot be skipped past, so there only what precedes them is read.
 */
final class MatroskaSizes {

    private static final long EBML = 0x1A45DFA3L;
    private static final long SEGMENT = 0x18538067L;
    private static final long SEEK_HEAD = 0x114D9B74L;
    private static final long SEEK = 0x4DBBL;
    private static final long SEEK_ID = 0x53ABL;
    private static final long SEEK_POSITION = 0x53ACL;
    private static final long TRACKS = 0x1654AE6BL;
    private static final long TRACK_ENTRY = 0xAEL;
    private static final long VIDEO = 0xE0L;
    private static final long PIXEL_WIDTH = 0xB0L;
    private static final long PIXEL_HEIGHT = 0xBAL;
    private static final byte[] TRACKS_ID = {0x16, 0x54, (byte) 0xAE, 0x6B};

    private MatroskaSizes() {
    }

    /** An element: its id (marker bits kept, as the specification writes ids), where its data is, and its end. */
    private record Element(long id, long data, long end, boolean unknownSize) {
    }

    static Optional<ImageHeaderReader.Dimensions> read(HeaderFile file) throws IOException {
        Element header = element(file, 0, file.size());
        if (header.id() != EBML || header.unknownSize()) {
            return Optional.empty();
        }
        Element segment = element(file, header.end(), file.size());
        if (segment.id() != SEGMENT) {
            return Optional.empty();
        }
        long tracksAt = -1;
        for (long position = segment.data(); position < segment.end(); ) {
            Element child = element(file, position, segment.end());
            if (child.id() == TRACKS) {
                return tracks(file, child);
            }
            if (child.id() == SEEK_HEAD && !child.unknownSize()) {
                tracksAt = Math.max(tracksAt, tracksPosition(file, child));
            }
            if (child.unknownSize()) {
                break;
            }
            position = child.end();
        }
        if (tracksAt >= 0 && segment.data() + tracksAt < segment.end()) {
            Element tracks = element(file, segment.data() + tracksAt, segment.end());
            if (tracks.id() == TRACKS) {
                return tracks(file, tracks);
            }
        }
        return Optional.empty();
    }

    private static long tracksPosition(HeaderFile file, Element seekHead) throws IOException {
        for (long position = seekHead.data(); position < seekHead.end(); ) {
            Element seek = element(file, position, seekHead.end());
            if (seek.id() == SEEK) {
                byte[] id = null;
                long target = -1;
                for (long p = seek.data(); p < seek.end(); ) {
                    Element field = element(file, p, seek.end());
                    if (field.id() == SEEK_ID && field.end() - field.data() == 4) {
                        id = file.bytes(field.data(), 4);
                    } else if (field.id() == SEEK_POSITION) {
                        target = unsigned(file, field);
                    }
                    p = field.end();
                }
                if (Arrays.equals(id, TRACKS_ID) && target >= 0) {
                    return target;
                }
            }
            position = seek.end();
        }
        return -1;
    }

    private static Optional<ImageHeaderReader.Dimensions> tracks(HeaderFile file, Element tracks) throws IOException {
        ImageHeaderReader.Dimensions largest = null;
        for (Element entry : children(file, tracks, TRACK_ENTRY)) {
            for (Element video : children(file, entry, VIDEO)) {
                long width = 0;
                long height = 0;
                for (long position = video.data(); position < video.end(); ) {
                    Element field = element(file, position, video.end());
                    if (field.id() == PIXEL_WIDTH) {
                        width = unsigned(file, field);
                    } else if (field.id() == PIXEL_HEIGHT) {
                        height = unsigned(file, field);
                    }
                    position = field.end();
                }
                ImageHeaderReader.Dimensions size = new ImageHeaderReader.Dimensions(width, height);
                if (largest == null || size.pixels() > largest.pixels()) {
                    largest = size;
                }
            }
        }
        return Optional.ofNullable(largest);
    }

    private static java.util.List<Element> children(HeaderFile file, Element parent, long id) throws IOException {
        java.util.List<Element> found = new java.util.ArrayList<>();
        for (long position = parent.data(); position < parent.end(); ) {
            Element child = element(file, position, parent.end());
            if (child.id() == id) {
                found.add(child);
            }
            position = child.end();
        }
        return found;
    }

    /** The element at {@code position}; its end is cut at {@code limit}, and an unknown size runs to it. */
    private static Element element(HeaderFile file, long position, long limit) throws IOException {
        int first = file.u8(position);
        int idLength = Integer.numberOfLeadingZeros(first) - 23;
        if (idLength < 1 || idLength > 4) {
            throw new IOException("not an EBML element id");
        }
        long id = 0;
        for (byte b : file.bytes(position, idLength)) {
            id = id << 8 | (b & 0xFF);
        }
        long sizeAt = position + idLength;
        int sizeFirst = file.u8(sizeAt);
        int sizeLength = Integer.numberOfLeadingZeros(sizeFirst) - 23;
        if (sizeLength < 1 || sizeLength > 8) {
            throw new IOException("not an EBML element size");
        }
        byte[] sizeBytes = file.bytes(sizeAt, sizeLength);
        long size = sizeFirst & (0xFF >> sizeLength);
        boolean allOnes = size == (0xFF >> sizeLength);
        for (int i = 1; i < sizeLength; i++) {
            size = size << 8 | (sizeBytes[i] & 0xFF);
            allOnes &= (sizeBytes[i] & 0xFF) == 0xFF;
        }
        long data = sizeAt + sizeLength;
        long end = allOnes || size > limit - data ? limit : data + size;
        return new Element(id, data, Math.max(end, data), allOnes);
    }

    private static long unsigned(HeaderFile file, Element field) throws IOException {
        long length = field.end() - field.data();
        if (length < 1 || length > 8) {
            return 0;
        }
        long value = 0;
        for (byte b : file.bytes(field.data(), (int) length)) {
            value = value << 8 | (b & 0xFF);
        }
        return value;
    }
}
