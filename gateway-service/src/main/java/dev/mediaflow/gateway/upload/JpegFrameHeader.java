package dev.mediaflow.gateway.upload;

import com.drew.imaging.jpeg.JpegProcessingException;
import com.drew.imaging.jpeg.JpegSegmentData;
import com.drew.imaging.jpeg.JpegSegmentReader;
import com.drew.imaging.jpeg.JpegSegmentType;
import com.drew.lang.StreamReader;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A JPEG's size from its frame header (SOFn), wherever the marker segments before it put it: EXIF, ICC and
 * Photoshop segments can push it megabytes in, and a reader that gives up after a fixed prefix lets a
 * 30000x30000 frame through. metadata-extractor's segment reader skips every other segment by its length
 * (a seek, not a read) and stops at the start of scan; every coding process counts (baseline, progressive,
 * lossless, arithmetic, hierarchical), and the largest frame header wins, so a small decoy frame before a
 * huge one changes nothing. The walk never goes past {@link #SCAN_LIMIT} bytes of the file.
 */
final class JpegFrameHeader {

    /** Far beyond any real file's metadata (one segment is at most 64 KiB; ICC profiles are a few MiB). */
    static final long SCAN_LIMIT = 32L * 1024 * 1024;

    private static final List<JpegSegmentType> FRAME_HEADERS = List.of(JpegSegmentType.SOF0, JpegSegmentType.SOF1,
            JpegSegmentType.SOF2, JpegSegmentType.SOF3, JpegSegmentType.SOF5, JpegSegmentType.SOF6,
            JpegSegmentType.SOF7, JpegSegmentType.SOF9, JpegSegmentType.SOF10, JpegSegmentType.SOF11,
            JpegSegmentType.SOF13, JpegSegmentType.SOF14, JpegSegmentType.SOF15);

    private JpegFrameHeader() {
    }

    static Optional<ImageHeaderReader.Dimensions> read(Path file) throws IOException, JpegProcessingException {
        JpegSegmentData segments;
        try (InputStream in = new BufferedInputStream(new EndsInScan(Files.newInputStream(file), SCAN_LIMIT),
                64 * 1024)) {
            segments = JpegSegmentReader.readSegments(new StreamReader(in), FRAME_HEADERS);
        }
        ImageHeaderReader.Dimensions largest = null;
        for (JpegSegmentType type : FRAME_HEADERS) {
            for (byte[] sof : segments.getSegments(type)) {
                if (sof.length < 5) {
                    continue;
                }
                long height = (sof[1] & 0xFF) << 8 | (sof[2] & 0xFF);
                long width = (sof[3] & 0xFF) << 8 | (sof[4] & 0xFF);
                ImageHeaderReader.Dimensions size = new ImageHeaderReader.Dimensions(width, height);
                if (largest == null || size.pixels() > largest.pixels()) {
                    largest = size;
                }
            }
        }
        return Optional.ofNullable(largest);
    }

    /**
     * The file's first {@code limit} bytes (skipped ones included), then a start-of-scan marker: the segment
     * reader stops there as at a real scan and keeps the frame headers it has seen, so a file cut short (or one
     * that is only a header) is still measured, while a frame header cut in two stays unreadable.
     */
    private static final class EndsInScan extends FilterInputStream {
        private static final byte[] START_OF_SCAN = {(byte) 0xFF, (byte) 0xDA};
        private long left;
        private int trailer;

        EndsInScan(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (left > 0) {
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                    return n;
                }
                left = 0;
            }
            if (trailer == START_OF_SCAN.length) {
                return -1;
            }
            b[off] = START_OF_SCAN[trailer++];
            return 1;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
