package dev.mediaflow.gateway.upload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Large uploads are written past the page cache ({@code O_DIRECT}), where the file system allows it. Through the
 * page cache, each byte of a 1 GiB upload is copied into a newly allocated cache page, and those pages are written
 * out later and must then be reclaimed: on this project's 2-core machine that was the gateway's largest cost by far,
 * 57 % of its CPU samples in {@code pwrite} (docs/performance.md, section 2), where a direct write hands the disk the
 * gateway's own buffer. The upload is synced before its 202 either way, so the cache saved nothing; and a large file
 * is read back by a worker much later, if at all, so keeping it cached helps nobody either. Small uploads still go
 * through the cache: the image worker reads them a moment later.
 *
 * <p>The chunks are hashed and staged on one of {@code threads}, with at most {@link #QUEUED_CHUNKS} waiting for it
 * (off the event loop that reads and parses the body), and each full staging buffer is written on one of
 * {@code disk} while the next fills ({@link DirectFileWrite}): when the disk is slower than the network, the request
 * is read no faster than it writes. The writes have threads of their own because the hashing thread waits for them:
 * queued on a full pool behind hashing threads that wait in turn, they could wait for each other for good.
 */
public final class DirectWrites {

    private static final Logger log = LoggerFactory.getLogger(DirectWrites.class);

    /**
     * Chunks that may wait for the writing thread, each up to {@link UploadParts#FILE_CHUNK_BYTES}: enough that the
     * request is still read while the thread waits for the disk (2 gave 470-510 MB/s for 1 GiB, 8 gave 470-650,
     * 16 no more).
     */
    static final int QUEUED_CHUNKS = 8;

    /** Staging buffers kept for the next uploads (1 MiB each, two per upload). */
    private static final int KEPT_BUFFERS = 8;

    /** Never writes directly: for file systems without {@code O_DIRECT}, and where it is turned off. */
    static final DirectWrites NONE = new DirectWrites(-1, null, null, null);

    private final long minBytes;
    private final StagingBuffers buffers;
    private final Scheduler threads;
    private final Scheduler disk;

    private DirectWrites(long minBytes, StagingBuffers buffers, Scheduler threads, Scheduler disk) {
        this.minBytes = minBytes;
        this.buffers = buffers;
        this.threads = threads;
        this.disk = disk;
    }

    /**
     * Finds out whether files in {@code dir} can be written directly (by writing one block there), and with which
     * alignment.
     *
     * @param minBytes the smallest upload written directly; negative to write none directly
     * @param threads  where the chunks are hashed and staged
     * @param disk     where the staged buffers are written; never the same threads as {@code threads}
     */
    public static DirectWrites in(Path dir, long minBytes, Scheduler threads, Scheduler disk) {
        if (minBytes < 0) {
            log.info("Uploads are written through the page cache (MEDIAFLOW_DIRECT_WRITE_MIN_BYTES is negative)");
            return NONE;
        }
        int alignment = alignmentIn(dir);
        if (alignment == 0) {
            return NONE;
        }
        log.info("Uploads of {} bytes or more are written past the page cache (O_DIRECT, blocks of {} bytes)",
                minBytes, alignment);
        return new DirectWrites(minBytes, new StagingBuffers(DirectFileWrite.STAGING_BYTES, alignment, KEPT_BUFFERS),
                threads, disk);
    }

    /** @param expectedBytes the upload's declared length, negative when unknown (then it goes through the cache) */
    boolean suits(long expectedBytes) {
        return buffers != null && expectedBytes >= 0 && expectedBytes >= minBytes;
    }

    /**
     * Writes {@code chunks} as the new file {@code file}, hashing them into {@code sha256}, on the writing threads.
     * Each chunk is released once staged; chunks still waiting when the write fails or is cancelled are released
     * too, and the file is closed whatever happens (its owner deletes it when the upload fails).
     */
    Mono<Long> write(Flux<DataBuffer> chunks, Path file, MessageDigest sha256) {
        return Mono.using(() -> DirectFileWrite.create(file, buffers, sha256, disk::schedule),
                        // map, not doOnNext: no buffer may flow on past its release, since then() discards
                        // what it ignores (to the hook below), and a pooled buffer's object, once released, may
                        // already be another request's
                        write -> chunks.publishOn(threads, QUEUED_CHUNKS)
                                .map(write::append)
                                .then(Mono.fromCallable(write::finish)),
                        DirectFileWrite::close)
                .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
    }

    /** The block size that direct writes in {@code dir} take, or 0 when they cannot be done there. */
    static int alignmentIn(Path dir) {
        Path probe = dir.resolve("direct-write-probe-" + UUID.randomUUID() + ".tmp");
        try {
            long blockSize = Files.getFileStore(dir).getBlockSize();
            if (blockSize <= 0 || blockSize > DirectFileWrite.STAGING_BYTES || Long.bitCount(blockSize) != 1) {
                log.info("Uploads are written through the page cache: {} reports a block size of {}", dir, blockSize);
                return 0;
            }
            int block = (int) blockSize;
            try (FileChannel channel = DirectFileWrite.openDirect(probe)) {
                ByteBuffer one = ByteBuffer.allocateDirect(2 * block).alignedSlice(block);
                one.limit(block);
                channel.write(one);
            }
            return block;
        } catch (IOException | UnsupportedOperationException e) {
            log.info("Uploads are written through the page cache: {} does not take direct writes ({})", dir,
                    e.toString());
            return 0;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                log.warn("Cannot remove the probe file {}: {}", probe, e.toString());
            }
        }
    }
}
