package dev.mediaflow.visionworker.depth;

import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One band of a depth map's rows as a whole IDAT chunk of a PNG whose zlib stream is made of such bands
 * ({@link ParallelPngEncoder}): the rows filtered, then raw deflate (no zlib header or trailer) that starts on
 * its own, with no reference to the rows before it, and ends on a byte boundary (a full flush), or with the
 * stream's final block for the last band. The first band carries the zlib header. The band also gives the
 * Adler-32 of its filtered rows, which the encoder combines into the stream's.
 *
 * @param chunk          length, "IDAT", the data, CRC: ready to write, in its first {@code chunkLength} bytes
 * @param chunkLength    the chunk's length in {@code chunk}
 * @param adler32        Adler-32 of the band's filtered rows
 * @param filteredLength how many filtered bytes that Adler-32 covers
 */
record PngBand(byte[] chunk, int chunkLength, long adler32, long filteredLength) {

    /** zlib header: deflate with a 32 KiB window, "fastest" level (RFC 1950; 0x7801 is a multiple of 31). */
    static final byte[] ZLIB_HEADER = {0x78, 0x01};

    /**
     * Huffman coding only, no match search: on the SUB-filtered samples of a depth map it gives files as large as
     * libpng's level 1 with the RLE strategy (the encode before), at a fraction of level 1's time; the JDK's
     * Deflater offers no RLE strategy. Measured against the others in docs/performance.md, section 5.
     */
    static final int STRATEGY = Deflater.HUFFMAN_ONLY;
    /** PNG filter type 1, SUB: each byte minus the same byte of the sample to its left. */
    static final byte SUB = 1;

    /** Filter type byte, then two bytes (big-endian) per sample. */
    static int rowBytes(int width) {
        return 1 + 2 * width;
    }

    /**
     * @param samples the whole map's samples, row by row (only read, from absolute positions)
     * @param first   the band's first row; {@code end} the row after its last
     */
    static PngBand deflate(ShortBuffer samples, int width, int first, int end, boolean firstBand, boolean lastBand) {
        int rowBytes = rowBytes(width);
        int rowsPerBatch = Math.max(1, (64 * 1024) / rowBytes);
        short[] row = new short[width];
        byte[] filtered = new byte[rowsPerBatch * rowBytes];
        Output out = new Output(Math.max(64, (end - first) * rowBytes / 2));
        out.write(new byte[] {0, 0, 0, 0, 'I', 'D', 'A', 'T'});
        if (firstBand) {
            out.write(ZLIB_HEADER);
        }
        Adler32 adler = new Adler32();
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setStrategy(STRATEGY);
            for (int next = first; next < end; next += rowsPerBatch) {
                int rows = Math.min(rowsPerBatch, end - next);
                for (int r = 0; r < rows; r++) {
                    samples.get((next + r) * width, row, 0, width);
                    filterSub(row, filtered, r * rowBytes);
                }
                int length = rows * rowBytes;
                adler.update(filtered, 0, length);
                deflater.setInput(filtered, 0, length);
                while (!deflater.needsInput()) {
                    out.deflate(deflater, Deflater.NO_FLUSH);
                }
            }
            if (lastBand) {
                deflater.finish();
                while (!deflater.finished()) {
                    out.deflate(deflater, Deflater.NO_FLUSH);
                }
            } else {
                // a full flush ends on a byte boundary; the space check below repeats it while the output was full
                while (out.deflate(deflater, Deflater.FULL_FLUSH)) {
                    // more to flush
                }
            }
        } finally {
            deflater.end();
        }
        return new PngBand(out.closeChunk(), out.length, adler.getValue(), (long) (end - first) * rowBytes);
    }

    /**
     * The filter type byte and the SUB-filtered samples of one row: PNG filters bytes, not samples, so the high
     * and the low byte of each 16-bit sample (big-endian in a PNG) each lose the same byte of the sample before.
     */
    static void filterSub(short[] row, byte[] out, int offset) {
        out[offset] = SUB;
        int o = offset + 1;
        int leftHigh = 0;
        int leftLow = 0;
        for (short sample : row) {
            int high = (sample >> 8) & 0xff;
            int low = sample & 0xff;
            out[o++] = (byte) (high - leftHigh);
            out[o++] = (byte) (low - leftLow);
            leftHigh = high;
            leftLow = low;
        }
    }

    /** A growing buffer for one chunk: the deflater writes straight into it, the CRC is added at the end. */
    private static final class Output {
        private byte[] bytes;
        private int length;

        Output(int capacity) {
            bytes = new byte[capacity];
        }

        void write(byte[] data) {
            ensure(data.length);
            System.arraycopy(data, 0, bytes, length, data.length);
            length += data.length;
        }

        /** One deflate call into the free space; true when it filled that space (so there may be more). */
        boolean deflate(Deflater deflater, int flush) {
            ensure(4096);
            int space = bytes.length - length;
            int written = deflater.deflate(bytes, length, space, flush);
            length += written;
            return written == space;
        }

        private void ensure(int more) {
            if (bytes.length - length < more) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        /** Fills in the data length, appends the CRC of type and data, and returns the buffer (the chunk is its first {@code length} bytes). */
        byte[] closeChunk() {
            int dataLength = length - 8;
            bytes[0] = (byte) (dataLength >>> 24);
            bytes[1] = (byte) (dataLength >>> 16);
            bytes[2] = (byte) (dataLength >>> 8);
            bytes[3] = (byte) dataLength;
            CRC32 crc = new CRC32();
            crc.update(bytes, 4, length - 4);
            ensure(4);
            long value = crc.getValue();
            bytes[length++] = (byte) (value >>> 24);
            bytes[length++] = (byte) (value >>> 16);
            bytes[length++] = (byte) (value >>> 8);
            bytes[length++] = (byte) value;
            return bytes;
        }
    }
}
