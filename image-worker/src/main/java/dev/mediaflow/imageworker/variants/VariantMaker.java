package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.media.UnreadableMediaException;
import dev.mediaflow.worker.media.MediaDecoder;
import dev.mediaflow.imageworker.device.ImageDevice;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.worker.TaskProgress;
import dev.mediaflow.worker.meters.CodecTimers;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the WebP variants (thumbnail, blur, low-quality) of one photo or video. Stateless and thread-safe.
 *
 * <p>The input is decoded once (a video: its frame at 10%; a large JPEG at the strongest DCT reduction that still
 * covers the largest variant), then the variants are made from largest to smallest, each scaled with INTER_AREA
 * from the previous unblurred one; the blur is computed at a reduced size ({@link ReducedBlur}). The three WebP
 * encodes run in parallel, each starting as soon as its pixels are ready. Each output is written under a temporary
 * name in {@code outputDir} and renamed into place, unsynced: {@code outputDir} is a staging folder that the
 * caller promotes durably.
 *
 * <p>{@code progress} hears of every step (frame grab, decode, each resize and encode), so a long task moves on a
 * client's event stream. {@code betweenSteps} runs before the decode and before each variant. If it throws (cancellation), or
 * anything else fails, the exception propagates and no temporary file of this call stays behind; variants
 * already renamed into place before that point do stay, and removing them is the caller's job.
 */
public class VariantMaker {

    /** Progress (percent of the task) once a video's frame is grabbed. */
    public static final int FRAME_GRABBED = 10;
    /** Progress once the picture is decoded; each resize and encode then adds its share up to {@link #ENCODED}. */
    public static final int DECODED = 20;
    /** Progress once the last variant is encoded; {@code task.succeeded} makes it 100. */
    public static final int ENCODED = 95;

    private static final Logger log = LoggerFactory.getLogger(VariantMaker.class);

    /**
     * Where the WebP encodes run: the three of a photo at once (the 1280 px one starts while the 640 px blur and
     * the thumbnail are still being made), so one photo uses every core; with as many consumers as cores the
     * pool is simply shared. Encoding is most of a photo's work (see docs/performance.md).
     */
    private static final ExecutorService ENCODERS = encoders();

    private final MediaDecoder decoder;
    private final ImageDevice device;
    private final CodecTimers codec;

    public VariantMaker() {
        this(ImageDevice.cpu("not detected"), DecodeLimits.DEFAULT);
    }

    public VariantMaker(ImageDevice device, DecodeLimits limits) {
        this(device, limits, CodecTimers.unrecorded(WorkerKind.IMAGE));
    }

    /**
     * @param device where the variants are shrunk and blurred (decode and encode are on the CPU either way)
     * @param limits the memory and time one decode may take
     * @param codec  where the decode and each WebP encode are timed
     */
    public VariantMaker(ImageDevice device, DecodeLimits limits, CodecTimers codec) {
        this.device = device;
        this.decoder = new MediaDecoder(limits);
        this.codec = codec;
    }

    public ImageDevice device() {
        return device;
    }

    /**
     * @param ops only THUMBNAIL, BLUR and LOW_QUALITY are made; others (DEPTH) are ignored
     * @return what was written, by operation
     * @throws UnreadableMediaException when the input cannot be decoded
     * @throws UncheckedIOException when the input cannot be read or an output cannot be written
     */
    public Map<Operation, VariantResult> make(Path input, MediaType type, List<Operation> ops, Path outputDir,
                                              Runnable betweenSteps) {
        return make(input, type, ops, outputDir, betweenSteps, TaskProgress.NONE);
    }

    /**
     * @param progress told each step as it is done: a video's frame grab ({@link #FRAME_GRABBED}), the decode
     *                 ({@link #DECODED}), then each variant's resize and encode, spread evenly up to
     *                 {@link #ENCODED}
     */
    public Map<Operation, VariantResult> make(Path input, MediaType type, List<Operation> ops, Path outputDir,
                                              Runnable betweenSteps, TaskProgress progress) {
        try {
            return makeOrFail(input, type, ops, outputDir, betweenSteps, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make variants of " + input.getFileName() + ": " + describe(e), e);
        }
    }

    /** The error without server paths, as it may reach the API as a job's last error. */
    private static String describe(IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            String reason = fs.getReason() == null ? "" : ": " + fs.getReason();
            return e.getClass().getSimpleName() + " " + Path.of(fs.getFile()).getFileName() + reason;
        }
        return e.getMessage();
    }

    private Map<Operation, VariantResult> makeOrFail(Path input, MediaType type, List<Operation> ops, Path outputDir,
                                                     Runnable betweenSteps, TaskProgress progress) throws IOException {
        List<VariantSpec> specs = VariantSpec.forOperations(ops);
        Map<Operation, VariantResult> results = new EnumMap<>(Operation.class);
        if (specs.isEmpty()) {
            return results;
        }
        Files.createDirectories(outputDir);
        long start = System.nanoTime();
        List<Future<VariantResult>> encodes = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            try {
                betweenSteps.run();
                Mat current = codec.decode(() -> decoder.decode(input, type, specs.get(0).longestSide(),
                        () -> progress.at(FRAME_GRABBED)));
                progress.at(DECODED);
                long decoded = System.nanoTime();
                int steps = specs.size() * 2;
                int done = 0;
                for (VariantSpec spec : specs) {
                    betweenSteps.run();
                    current = device.ops().fitWithin(current, spec.longestSide());
                    Mat output = spec.blurSigma() > 0 ? blur(current, spec.blurSigma()) : current;
                    progress.at(DECODED + (ENCODED - DECODED) * ++done / steps);
                    Path target = outputDir.resolve(spec.operation().fileName());
                    encodes.add(ENCODERS.submit(() -> WebpFiles.write(output, spec.webpQuality(), target, codec)));
                }
                for (int i = 0; i < specs.size(); i++) {
                    results.put(specs.get(i).operation(), resultOf(encodes.get(i)));
                    progress.at(DECODED + (ENCODED - DECODED) * ++done / steps);
                }
                log.debug("variants of {} ({}): decode {} ms, variants {} ms", input.getFileName(), type.json(),
                        (decoded - start) / 1_000_000, (System.nanoTime() - decoded) / 1_000_000);
            } finally {
                // the pixels are freed when the scope closes: no encode may still read them, nor write afterwards
                awaitAll(encodes);
            }
        }
        return results;
    }

    /**
     * On the CPU the blur is computed at a reduced size ({@link ReducedBlur}: the same picture for a fraction of the
     * work); a GPU blurs at full size, where it costs little and is held to OpenCV's full-size pixels.
     */
    private Mat blur(Mat src, double sigma) {
        return "cpu".equals(device.ops().device()) ? ReducedBlur.blur(src, sigma) : device.ops().gaussianBlur(src, sigma);
    }

    private static VariantResult resultOf(Future<VariantResult> encode) throws IOException {
        try {
            return encode.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while encoding the variants", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        }
    }

    private static void awaitAll(List<Future<VariantResult>> encodes) {
        boolean interrupted = false;
        for (Future<VariantResult> encode : encodes) {
            while (true) {
                try {
                    encode.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | CancellationException e) {
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One thread per core, shared by every consumer: daemon threads, so they never hold the JVM open. */
    private static ExecutorService encoders() {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), task -> {
            Thread thread = new Thread(task, "webp-encoder-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
