package dev.mediaflow.gateway.upload;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Small reads at any position of an uploaded file, for walking a container's boxes, chunks or elements
 * without reading what lies between them. A window of {@link #WINDOW} bytes is kept so that dense small
 * headers cost one system call per window, and a far jump costs one; the number of reads is capped
 * ({@link #MAX_READS}) so no crafted file can keep a walk going for long. Each read is at most
 * {@link #WINDOW} bytes, so a length field in the file never decides how much memory is allocated.
 */
final class HeaderFile implements Closeable {

    static final int WINDOW = 64 * 1024;
    /** Far above any real file's walk: a 100 MiB GIF in 255-byte sub-blocks takes about 400 000 reads. */
    static final int MAX_READS = 4_000_000;

    private final FileChannel channel;
    private final long size;
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
    private long windowStart = -1;
    private int windowLength;
    private int reads;

    private HeaderFile(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    static HeaderFile open(Path file) throws IOException {
        return new HeaderFile(FileChannel.open(file, StandardOpenOption.READ));
    }

    long size() {
        return size;
    }

    /** Exactly {@code length} bytes at {@code position}; EOF when the file ends before. */
    byte[] bytes(long position, int length) throws IOException {
        if (length < 0 || length > WINDOW) {
            throw new IOException("header field too large: " + length);
        }
        if (position < 0 || position + length > size) {
            throw new EOFException("header runs past the end of the file");
        }
        if (++reads > MAX_READS) {
            throw new IOException("header walk too long");
        }
        if (windowStart < 0 || position < windowStart || position + length > windowStart + windowLength) {
            fill(position);
        }
        byte[] out = new byte[length];
        window.get((int) (position - windowStart), out, 0, length);
        return out;
    }

    int u8(long position) throws IOException {
        return bytes(position, 1)[0] & 0xFF;
    }

    int u16be(long position) throws IOException {
        byte[] b = bytes(position, 2);
        return (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
    }

    int u16le(long position) throws IOException {
        byte[] b = bytes(position, 2);
        return (b[1] & 0xFF) << 8 | (b[0] & 0xFF);
    }

    long u32be(long position) throws IOException {
        byte[] b = bytes(position, 4);
        return (b[0] & 0xFFL) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    long u32le(long position) throws IOException {
        byte[] b = bytes(position, 4);
        return (b[3] & 0xFFL) << 24 | (b[2] & 0xFF) << 16 | (b[1] & 0xFF) << 8 | (b[0] & 0xFF);
    }

    long u64be(long position) throws IOException {
        return u32be(position) << 32 | u32be(position + 4);
    }

    String fourCc(long position) throws IOException {
        return new String(bytes(position, 4), StandardCharsets.ISO_8859_1);
    }

    private void fill(long position) throws IOException {
        window.clear();
        int length = (int) Math.min(WINDOW, size - position);
        window.limit(length);
        while (window.hasRemaining()) {
            if (channel.read(window, position + window.position()) < 0) {
                throw new EOFException("file shrank while its header was read");
            }
        }
        windowStart = position;
        windowLength = length;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
