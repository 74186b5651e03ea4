package dev.mediaflow.worker.media;

import dev.mediaflow.worker.InfrastructureException;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The decode memory of one worker process, shared by all its consumers: {@link DecodeLimits#maxBytes()} in all,
 * not per consumer.
 *
 * <p>Why: the default number of consumers follows the processors, and each consumer may decode a picture of up to
 * {@code maxBytes} of pixels. Without a shared budget the worst case grows with the consumers (4 x 768 MB on four
 * cores), past a container limit sized for one. With it, a consumer whose decode does not fit beside the others'
 * waits for them (fairly, in arrival order), and the process never holds more than {@code maxBytes} of decoded
 * pixels at once, whatever the consumer count. Small pictures, the usual case, never wait: 768 MB holds dozens of
 * 12 MP decodes.
 *
 * <p>A consumer that waits longer than {@link DecodeLimits#timeout()} (each holder's decode is itself bounded by
 * it) hands its task back as {@link InfrastructureException}: busy memory is not the task's fault, so the attempt
 * does not count.
 */
public final class DecodeMemory {

    /** Permits are KiB: a Semaphore counts ints, and 2^31 KiB is far beyond any budget. */
    private static final long UNIT = 1024;

    private final DecodeLimits limits;
    private final Semaphore free;
    private final int total;

    public DecodeMemory(DecodeLimits limits) {
        this.limits = limits;
        this.total = units(limits.maxBytes().toBytes());
        this.free = new Semaphore(total, true);
    }

    public DecodeLimits limits() {
        return limits;
    }

    /** Bytes no decode holds now (for logs and tests). */
    public long freeBytes() {
        return free.availablePermits() * UNIT;
    }

    /** Opens the scope of one decode; closing it gives back what it reserved. */
    public Scope open() {
        return new Scope();
    }

    private static int units(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (bytes + UNIT - 1) / UNIT));
    }

    /**
     * One decode's share of the memory, from the moment its size is known until its large intermediate pictures
     * are freed. Not thread-safe: one decode runs on one thread.
     */
    public final class Scope implements AutoCloseable {

        private int held;

        private Scope() {
        }

        public DecodeLimits limits() {
            return limits;
        }

        /**
         * Refuses a decode over the per-decode budget, else waits until its pixels fit beside the other consumers'.
         * A second reservation in the same scope replaces the first: a decoder falls back to another decoder only
         * after the first one's pixels are gone, and holding both could make the scope wait for itself.
         *
         * @param what how messages name the input
         * @throws MediaTooLargeException  over the per-decode budget (the task fails: it can never fit)
         * @throws InfrastructureException the memory stayed busy for longer than the decode timeout (handed back)
         */
        public void reserve(String what, PixelFootprint footprint) {
            limits.checkBudget(what, footprint);
            release();
            int units = Math.min(total, units(footprint.bytes()));
            try {
                if (!free.tryAcquire(units, limits.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new InfrastructureException("decode of " + what + " handed back",
                            new TimeoutException("other decodes held the worker's decode memory ("
                                    + limits.maxBytes().toMegabytes() + " MB, MEDIAFLOW_DECODE_MAX_BYTES) for "
                                    + limits.timeout().toSeconds() + " s"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InfrastructureException("decode of " + what + " handed back", e);
            }
            held = units;
        }

        @Override
        public void close() {
            release();
        }

        private void release() {
            if (held > 0) {
                free.release(held);
                held = 0;
            }
        }
    }
}
