package dev.mediaflow.gateway.upload;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The aligned buffers that {@link DirectFileWrite} stages its bytes in, kept for the next large upload: a new direct
 * buffer costs its pages' first touch and the JDK's zeroing (4 % of the gateway's CPU samples during 1 GiB uploads,
 * one buffer per upload), and its memory stays until a garbage collection frees it. At most {@code kept} are kept;
 * a buffer is only given back by the write that used it, once its last write returned.
 */
final class StagingBuffers {

    private final int bytes;
    private final int alignment;
    private final BlockingQueue<ByteBuffer> spare;

    /** @param bytes each buffer's size, a multiple of {@code alignment} (a power of two) */
    StagingBuffers(int bytes, int alignment, int kept) {
        if (Integer.bitCount(alignment) != 1 || bytes % alignment != 0) {
            throw new IllegalArgumentException("staging buffers of " + bytes + " bytes cannot be aligned to "
                    + alignment);
        }
        this.bytes = bytes;
        this.alignment = alignment;
        this.spare = new ArrayBlockingQueue<>(kept);
    }

    /** A buffer of {@link #bytes} bytes starting at an aligned address, cleared. */
    ByteBuffer take() {
        ByteBuffer kept = spare.poll();
        if (kept != null) {
            return kept.clear();
        }
        ByteBuffer aligned = ByteBuffer.allocateDirect(bytes + alignment).alignedSlice(alignment);
        return aligned.limit(bytes).slice();
    }

    /** A buffer no write uses any longer; dropped when enough are kept. */
    void giveBack(ByteBuffer buffer) {
        spare.offer(buffer);
    }

    int alignment() {
        return alignment;
    }
}
