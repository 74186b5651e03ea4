package dev.mediaflow.gateway.upload;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * One file written past the page cache ({@code O_DIRECT}), for {@link DirectWrites}: the bytes are gathered into an
 * aligned staging buffer ({@link StagingBuffers}) and written a whole buffer at a time, since a direct write must
 * start at an aligned offset, from an aligned address, and be a whole number of blocks long. The last, partial block
 * is written padded with zeros and the file cut back to its true size. Hashed here, on the writing thread, as the
 * bytes are staged. Not thread-safe: one thread at a time appends, in order.
 */
final class DirectFileWrite implements AutoCloseable {

    /** Bytes per write: large enough that the writes cost little per byte (as {@code dd bs=1M}), small in memory. */
    static final int STAGING_BYTES = 1 << 20;

    private final FileChannel channel;
    private final StagingBuffers buffers;
    private final ByteBuffer staging;
    private final MessageDigest sha256;
    private long size;
    /** Set by {@link #close()}, which a cancel calls on another thread while a write may be running. */
    private volatile boolean closed;

    private DirectFileWrite(FileChannel channel, StagingBuffers buffers, MessageDigest sha256) {
        this.channel = channel;
        this.buffers = buffers;
        this.sha256 = sha256;
        this.staging = buffers.take();
    }

    /** Creates {@code file} (it must not exist) for direct writes from {@code buffers}. */
    static DirectFileWrite create(Path file, StagingBuffers buffers, MessageDigest sha256) throws IOException {
        return new DirectFileWrite(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT), buffers, sha256);
    }

    /**
     * Stages (and hashes) {@code chunk}, writing each staging buffer that fills; releases {@code chunk}.
     *
     * @return the bytes appended so far
     */
    long append(DataBuffer chunk) {
        try (DataBuffer.ByteBufferIterator buffers = chunk.readableByteBuffers()) {
            while (buffers.hasNext()) {
                ByteBuffer bytes = buffers.next();
                sha256.update(bytes.duplicate());
                size += bytes.remaining();
                while (bytes.hasRemaining()) {
                    int n = Math.min(bytes.remaining(), staging.remaining());
                    staging.put(bytes.slice(bytes.position(), n));
                    bytes.position(bytes.position() + n);
                    if (!staging.hasRemaining()) {
                        writeStaged();
                    }
                }
            }
        } catch (ClosedChannelException e) {
            if (!cancelled(e)) {
                throw new UncheckedIOException("cannot write the upload", e);
            }
            // the upload was cancelled while this write ran: nobody waits for an error, which would only be logged
            // as dropped; the file is gone with the upload, and finish() cannot succeed after this
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload", e);
        } finally {
            DataBufferUtils.release(chunk);
        }
        return size;
    }

    /**
     * Writes what is still staged, padded to a whole block, and cuts the file back to the bytes appended. The
     * staging buffer is given back for another upload: no write of this file uses it any longer. (A write that
     * fails or is cancelled never gives it back: a cancel closes the file on another thread, while a write may still
     * be reading the buffer.)
     */
    long finish() {
        try {
            int tail = staging.position();
            if (tail > 0) {
                int alignment = buffers.alignment();
                int padded = (tail + alignment - 1) & -alignment;
                while (staging.position() < padded) {
                    staging.put((byte) 0);
                }
                writeStaged();
            }
            channel.truncate(size);
            buffers.giveBack(staging);
            return size;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // the upload fails or was cancelled anyway; its temporary file is deleted by its owner
        }
    }

    /**
     * Whether a write failed because the upload was cancelled: the file was closed by the cancel, or the cancel
     * interrupted this thread (Reactor interrupts a worker it disposes), which closes the channel.
     */
    private boolean cancelled(ClosedChannelException e) {
        return closed || e instanceof ClosedByInterruptException;
    }

    private void writeStaged() throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            channel.write(staging);
        }
        staging.clear();
    }
}
