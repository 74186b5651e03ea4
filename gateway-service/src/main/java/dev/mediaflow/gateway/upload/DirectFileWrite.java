package dev.mediaflow.gateway.upload;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * One file written past the page cache ({@code O_DIRECT}), for {@link DirectWrites}: the bytes are gathered into an
 * aligned staging buffer ({@link StagingBuffers}) and written a whole buffer at a time, since a direct write must
 * start at an aligned offset, from an aligned address, and be a whole number of blocks long. The last, partial block
 * is written padded with zeros and the file cut back to its true size.
 *
 * <p>Two staging buffers take turns: while one is written on {@code disk} (a direct write blocks until the disk has
 * the bytes), the appending thread hashes and stages the next bytes into the other. Done one after the other, the
 * hashing and the waiting for the disk were both on the appending thread, which was then the upload's slowest stage
 * (about 0.95 s of CPU and 0.7 s of waiting per GiB, docs/performance.md, section 2). Hashed on the appending thread,
 * as the bytes are staged. Not thread-safe: one thread at a time appends, in order.
 */
final class DirectFileWrite implements AutoCloseable {

    /** Bytes per write: large enough that the writes cost little per byte (as {@code dd bs=1M}), small in memory. */
    static final int STAGING_BYTES = 1 << 20;

    private static final CompletableFuture<Void> NOTHING_WRITING = CompletableFuture.completedFuture(null);

    private final FileChannel channel;
    private final StagingBuffers buffers;
    private final MessageDigest sha256;
    private final Executor disk;
    /** The buffer being filled; the other one may be being written. */
    private ByteBuffer staging;
    private ByteBuffer other;
    /** The write of {@link #other}, if one runs. */
    private CompletableFuture<Void> writing = NOTHING_WRITING;
    /** Where the next staging buffer goes in the file. */
    private long written;
    private long size;
    /** Set by {@link #close()}, which a cancel calls on another thread while a write may be running. */
    private volatile boolean closed;

    private DirectFileWrite(FileChannel channel, StagingBuffers buffers, MessageDigest sha256, Executor disk) {
        this.channel = channel;
        this.buffers = buffers;
        this.sha256 = sha256;
        this.disk = disk;
        this.staging = buffers.take();
        this.other = buffers.take();
    }

    /**
     * Creates {@code file} (it must not exist) for direct writes from {@code buffers}, each run on {@code disk}.
     */
    static DirectFileWrite create(Path file, StagingBuffers buffers, MessageDigest sha256, Executor disk)
            throws IOException {
        return new DirectFileWrite(openDirect(file), buffers, sha256, disk);
    }

    /** Creates {@code file} (it must not exist) open for writes past the page cache; the probe opens it alike. */
    static FileChannel openDirect(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT);
    }

    /**
     * Stages (and hashes) {@code chunk}, handing each staging buffer that fills to the disk; releases {@code chunk}.
     *
     * @return the bytes appended so far
     */
    long append(DataBuffer chunk) {
        try (DataBuffer.ByteBufferIterator chunkBuffers = chunk.readableByteBuffers()) {
            while (chunkBuffers.hasNext()) {
                ByteBuffer bytes = chunkBuffers.next();
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
        } catch (ClosedChannelException | InterruptedIOException e) {
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
     * Writes what is still staged, padded to a whole block, waits for the writes, and cuts the file back to the
     * bytes appended. The staging buffers are given back for another upload: no write of this file uses them any
     * longer. (A write that fails or is cancelled never gives them back: a cancel closes the file on another thread,
     * while a write may still be reading a buffer.)
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
            awaitWriting();
            channel.truncate(size);
            buffers.giveBack(staging);
            buffers.giveBack(other);
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
     * interrupted this thread (Reactor interrupts a worker it disposes), which closes the channel or stops the wait
     * for the disk.
     */
    private boolean cancelled(IOException e) {
        return closed || e instanceof ClosedByInterruptException || e instanceof InterruptedIOException;
    }

    /** Hands the full staging buffer to the disk, once the other one's write is done, and fills that one next. */
    private void writeStaged() throws IOException {
        awaitWriting();
        ByteBuffer full = staging.flip();
        long at = written;
        written += full.remaining();
        writing = CompletableFuture.runAsync(() -> {
            try {
                for (long position = at; full.hasRemaining(); ) {
                    position += channel.write(full, position);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, disk);
        staging = other.clear();
        other = full;
    }

    /** Waits for the write of {@link #other}; its failure is this write's. */
    private void awaitWriting() throws IOException {
        try {
            writing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the disk wrote the upload");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("the disk write failed", cause);
        }
    }
}
