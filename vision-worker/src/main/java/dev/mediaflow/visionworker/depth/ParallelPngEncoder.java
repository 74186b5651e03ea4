package dev.mediaflow.visionworker.depth;

import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;

/**
 * A 16-bit grayscale PNG of a depth map, its rows filtered and deflated in bands on several cores at once.
 *
 * <p>Why: at a depth map of the photo's full size (12 MP) the single-threaded encode (libpng through OpenCV) was
 * most of the pipeline's time outside the forward pass (docs/performance.md, section 5), and it used one core.
 * The bands are joined into one zlib stream the way pigz does it: each band is raw deflate
 * ({@link PngBand}) that ends on a byte boundary with a full flush, the last one with the final block; the
 * stream's 2-byte header goes before the first, and the Adler-32 of all the filtered rows, combined from the
 * bands' own ({@link Adler32s#combine}), after the last. Each band is its own IDAT chunk (a PNG's IDAT chunks
 * are read as one stream), so each band also computes its own chunk's CRC and nothing is copied twice.
 *
 * <p>Hand-written rather than a library's: the JDK's Deflater does the compression; what is left is the PNG
 * framing, the SUB filter and the stitching. The one Java library that encodes in parallel (pngencoder) takes a
 * {@code BufferedImage} (a 23 MB copy of a full-size map first) and offers no filter but none (files about 27 %
 * larger on the benchmark's map, docs/performance.md section 5) or a choice per row that filters each row twice.
 *
 * <p>Threads: the caller encodes bands itself and the shared helpers ({@link #shared()}, one fewer than the
 * processors) take the others; whoever is free claims the next band. When the helpers are busy with other
 * consumers' maps the caller simply encodes every band itself, so an encode never waits for a helper and the
 * worker never runs more encode threads than its consumers plus the helpers.
 */
public final class ParallelPngEncoder {

    /** Below this many filtered bytes per band a band's flush and fresh dictionary cost more than a core gains. */
    static final int MIN_BAND_BYTES = 256 * 1024;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final Executor helpers;
    private final int parallelism;
    private final int minBandBytes;

    /**
     * @param helpers      runs the bands the caller does not take itself
     * @param parallelism  most bands, so most threads, one encode uses (the caller included)
     * @param minBandBytes fewest filtered bytes per band
     */
    ParallelPngEncoder(Executor helpers, int parallelism, int minBandBytes) {
        if (parallelism < 1 || minBandBytes < 1) {
            throw new IllegalArgumentException("parallelism and band size must be positive");
        }
        this.helpers = helpers;
        this.parallelism = parallelism;
        this.minBandBytes = minBandBytes;
    }

    /** One encoder for the whole worker: the caller plus one helper fewer than the processors. */
    public static ParallelPngEncoder shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final ParallelPngEncoder INSTANCE;

        static {
            int processors = Runtime.getRuntime().availableProcessors();
            int helperThreads = Math.max(1, processors - 1);
            AtomicInteger count = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(helperThreads, runnable -> {
                Thread thread = new Thread(runnable, "depth-png-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            INSTANCE = new ParallelPngEncoder(pool, Math.max(1, processors), MIN_BAND_BYTES);
        }
    }

    /** {@code depth16}: CV_16UC1, not empty. It is only read, and not after this returns. */
    public byte[] encode(Mat depth16) {
        if (depth16 == null || depth16.empty() || depth16.type() != CV_16UC1) {
            throw new IllegalArgumentException("expected a non-empty 16-bit single-channel map");
        }
        Mat continuous = depth16.isContinuous() ? depth16 : depth16.clone();
        try {
            return encodeContinuous(continuous);
        } finally {
            if (continuous != depth16) {
                continuous.close();
            }
        }
    }

    private byte[] encodeContinuous(Mat depth16) {
        int width = depth16.cols();
        int height = depth16.rows();
        long filteredBytes = (long) height * PngBand.rowBytes(width);
        int wanted = (int) Math.max(1, Math.min(parallelism, filteredBytes / minBandBytes));
        int rowsPerBand = (height + Math.min(wanted, height) - 1) / Math.min(wanted, height);
        int bandCount = (height + rowsPerBand - 1) / rowsPerBand;
        ShortBuffer samples = depth16.createBuffer();
        PngBand[] bands = new PngBand[bandCount];
        Throwable[] failures = new Throwable[bandCount];
        AtomicInteger next = new AtomicInteger();
        Phaser done = new Phaser(bandCount); // one party per band; it advances when all have arrived
        Runnable claimBands = () -> {
            for (int band = next.getAndIncrement(); band < bandCount; band = next.getAndIncrement()) {
                int first = band * rowsPerBand;
                try {
                    bands[band] = PngBand.deflate(samples.duplicate(), width, first,
                            Math.min(height, first + rowsPerBand), band == 0, band == bandCount - 1);
                } catch (RuntimeException | Error e) {
                    failures[band] = e;
                } finally {
                    done.arrive();
                }
            }
        };
        for (int i = 1; i < bandCount; i++) {
            try {
                helpers.execute(claimBands);
            } catch (RejectedExecutionException e) {
                break; // the caller takes the bands itself
            }
        }
        claimBands.run();
        // not interruptible: the helpers read the Mat until their bands are done, so it must outlive them
        done.awaitAdvance(0);
        for (Throwable failure : failures) {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }
        return assemble(width, height, bands);
    }

    private static byte[] assemble(int width, int height, PngBand[] bands) {
        long adler = 1;
        int size = SIGNATURE.length + (12 + 13) + (12 + 4) + 12; // IHDR, the Adler-32's IDAT, IEND
        for (PngBand band : bands) {
            adler = Adler32s.combine(adler, band.adler32(), band.filteredLength());
            size += band.chunkLength();
        }
        ByteBuffer png = ByteBuffer.allocate(size);
        png.put(SIGNATURE);
        png.put(chunk("IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 16) // bit depth
                .put((byte) 0)  // grayscale
                .put((byte) 0).put((byte) 0).put((byte) 0) // deflate, adaptive filtering, not interlaced
                .array()));
        for (PngBand band : bands) {
            png.put(band.chunk(), 0, band.chunkLength());
        }
        png.put(chunk("IDAT", ByteBuffer.allocate(4).putInt((int) adler).array()));
        png.put(chunk("IEND", new byte[0]));
        return png.array();
    }

    /** A whole PNG chunk: length, type, data, CRC of type and data. */
    static byte[] chunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }
}
