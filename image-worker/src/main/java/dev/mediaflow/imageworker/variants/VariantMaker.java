package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.media.UnreadableMediaException;
import dev.mediaflow.worker.media.MediaDecoder;
import dev.mediaflow.imageworker.device.ImageDevice;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the WebP variants (thumbnail, blur, low-quality) of one photo or video. Stateless and thread-safe.
 *
 * <p>The input is decoded once (a video: its frame at 10%), then the variants are made from largest to
 * smallest, each scaled with INTER_AREA from the previous unblurred one. Each output is written under a
 * temporary name in {@code outputDir} and renamed into place.
 *
 * <p>{@code betweenSteps} runs before the decode and before each variant. If it throws (cancellation), or
 * anything else fails, the exception propagates and no temporary file of this call stays behind; variants
 * already renamed into place before that point do stay, and removing them is the caller's job.
 */
public class VariantMaker {

    private static final Logger log = LoggerFactory.getLogger(VariantMaker.class);

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
        try {
            return makeOrFail(input, type, ops, outputDir, betweenSteps);
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
                                                     Runnable betweenSteps) throws IOException {
        List<VariantSpec> specs = VariantSpec.forOperations(ops);
        Map<Operation, VariantResult> results = new EnumMap<>(Operation.class);
        if (specs.isEmpty()) {
            return results;
        }
        Files.createDirectories(outputDir);
        long start = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
            betweenSteps.run();
            Mat current = codec.decode(() -> decoder.decode(input, type, specs.get(0).longestSide()));
            long decoded = System.nanoTime();
            for (VariantSpec spec : specs) {
                betweenSteps.run();
                current = device.ops().fitWithin(current, spec.longestSide());
                Mat output = spec.blurSigma() > 0 ? device.ops().gaussianBlur(current, spec.blurSigma()) : current;
                Path target = outputDir.resolve(spec.operation().fileName());
                results.put(spec.operation(), WebpFiles.write(output, spec.webpQuality(), target, codec));
            }
            log.debug("variants of {} ({}): decode {} ms, variants {} ms", input.getFileName(), type.json(),
                    (decoded - start) / 1_000_000, (System.nanoTime() - decoded) / 1_000_000);
        }
        return results;
    }
}
