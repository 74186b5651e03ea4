package dev.mediaflow.visionworker.depth;

import dev.mediaflow.messages.MediaType;
import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.media.MediaDecoder;
import dev.mediaflow.worker.media.PhotoDecoder;
import dev.mediaflow.worker.torch.DjlRuntime;
import ai.djl.Device;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;


/**
 * Not a test: the depth pipeline's overhead over the forward pass (issue 14, section 5), run by bench/depth.sh.
 * For each source size, a JPEG file goes through what {@code DepthTaskHandler} does, stage by stage, batch 1:
 * decode (the worker's {@link MediaDecoder}, no larger than the max output side), preprocess, forward, then
 * the postprocessing split into its parts: the output copied into a float Mat plus the 16-bit normalisation
 * ("postprocess"), the bilinear resize to the depth map's size ("resize"), and the 16-bit PNG encode (in bands on
 * every core, {@link ParallelPngEncoder}); in the same pass, the single-threaded OpenCV encode it replaced
 * ({@link PreviousDepthPng}, not part of the pipeline), so that both are measured side by side. Each is the median of the timed iterations (one untimed first).
 * Overhead = (sum of the other stages) / forward, with the current encode and with the previous one.
 *
 * <p>Also, not part of the pipeline: the decode at the size the model needs (the strongest JPEG DCT reduction
 * whose picture still covers the model input; {@link #modelSide}), timed in the same pass, and the depth map
 * made from that smaller picture, resized to the same map size, compared with the pipeline's (largest and mean
 * absolute difference of the normalised depth, once per size): what decoding at the model's size would change.
 *
 * <p>Arguments: {@code model inputSize fixed iterations WxH[:maxOutputSide]...}. Prints one markdown row per
 * size on standard output, a line {@code ---}, then one row per size of the decode comparison (the table headers
 * are bench/depth.sh's).
 */
public final class DepthOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path modelFile = Path.of(args[0]);
        DepthPreprocessor preprocessor = new DepthPreprocessor(Integer.parseInt(args[1]), Boolean.parseBoolean(args[2]));
        int iterations = Integer.parseInt(args[3]);
        DjlRuntime.start();
        Path dir = Files.createTempDirectory("depth-bench");
        MediaDecoder decoder = new MediaDecoder(DecodeLimits.DEFAULT);
        List<String> decodeRows = new ArrayList<>();
        try (DepthModel model = DepthModel.load(modelFile, Device.cpu())) {
            for (int i = 4; i < args.length; i++) {
                String[] spec = args[i].split(":");
                String[] wh = spec[0].split("x");
                int width = Integer.parseInt(wh[0]);
                int height = Integer.parseInt(wh[1]);
                int maxSide = spec.length > 1 ? Integer.parseInt(spec[1]) : DepthSettings.of("").maxOutputSide();
                Path jpeg = dir.resolve(width + "x" + height + ".jpg");
                Files.write(jpeg, DepthBenchmark.jpeg(width, height));
                decodeRows.add(run(model, preprocessor, decoder, jpeg, width, height, maxSide, iterations));
                Files.delete(jpeg);
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        System.out.println("---");
        decodeRows.forEach(System.out::println);
    }

    /**
     * The longest side of a decode that still covers the model input on both sides, as the strongest DCT
     * reduction of the JPEG gives it (so no further resize), never above the pipeline's cap.
     */
    static int modelSide(DepthPreprocessor preprocessor, int width, int height, int maxSide) {
        int[] input = preprocessor.inputSizeFor(width, height);
        double scale = Math.max((double) input[0] / width, (double) input[1] / height);
        int longest = Math.max(width, height);
        int factor = PhotoDecoder.reductionFactor(longest, (int) Math.ceil(scale * longest));
        return Math.min(maxSide, (longest + factor - 1) / factor);
    }

    /** Stages, in order, as columns. */
    private static final String[] STAGES = {"decode", "preprocess", "forward", "postprocess", "resize", "png", "png before",
            "decode at the model's size"};
    private static final int FORWARD = 2;
    private static final int PNG = 5;
    private static final int PNG_BEFORE = 6;
    private static final int DECODE_SMALL = 7;

    /** Prints the pipeline's row; returns the decode comparison's. */
    private static String run(DepthModel model, DepthPreprocessor preprocessor, MediaDecoder decoder, Path jpeg,
                              int width, int height, int maxSide, int iterations) throws Exception {
        int smallSide = modelSide(preprocessor, width, height, maxSide);
        String smallSize = "";
        List<long[]> samples = new ArrayList<>();
        String mapSize = "";
        String inputSize = "";
        long pngBytes = 0;
        long pngBeforeBytes = 0;
        for (int i = 0; i <= iterations; i++) {
            long[] t = new long[STAGES.length];
            long t0 = System.nanoTime();
            PreparedImage prepared;
            try (Mat picture = decoder.decode(jpeg, MediaType.PHOTO, maxSide)) {
                long t1 = System.nanoTime();
                t[0] = t1 - t0;
                prepared = preprocessor.prepare(picture);
                t[1] = System.nanoTime() - t1;
            }
            long t2 = System.nanoTime();
            DepthModel.Output output = model.forward(prepared.chw(), 1, prepared.width(), prepared.height());
            long t3 = System.nanoTime();
            t[2] = t3 - t2;
            byte[] png;
            try (Mat floats = DepthPostprocessor.floatMat(output.values(), output.offset(0), output.width(),
                    output.height())) {
                long t4 = System.nanoTime();
                try (Mat resized = DepthPostprocessor.resizeBilinear(floats, prepared.sourceWidth(),
                        prepared.sourceHeight())) {
                    long t5 = System.nanoTime();
                    t[4] = t5 - t4;
                    t[3] = t4 - t3;
                    try (Mat depth16 = DepthPostprocessor.normalise16(resized)) {
                        long t6 = System.nanoTime();
                        t[3] += t6 - t5;
                        png = DepthPostprocessor.encodePng(depth16);
                        long t7 = System.nanoTime();
                        t[PNG] = t7 - t6;
                        pngBeforeBytes = PreviousDepthPng.encode(depth16).length;
                        t[PNG_BEFORE] = System.nanoTime() - t7;
                    }
                }
            }
            long t8 = System.nanoTime();
            try (Mat small = decoder.decode(jpeg, MediaType.PHOTO, smallSide)) {
                t[DECODE_SMALL] = System.nanoTime() - t8;
                smallSize = small.cols() + "x" + small.rows();
            }
            mapSize = prepared.sourceWidth() + "x" + prepared.sourceHeight();
            inputSize = prepared.width() + "x" + prepared.height();
            pngBytes = png.length;
            if (i > 0) {
                samples.add(t);
            }
        }
        double[] ms = new double[STAGES.length];
        double rest = 0;
        for (int s = 0; s < STAGES.length; s++) {
            ms[s] = DepthBenchmark.median(samples, s);
            if (s != FORWARD && s != PNG_BEFORE && s != DECODE_SMALL) {
                rest += ms[s];
            }
        }
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s (%.1f MP) | %s | %s |",
                width + "x" + height, width * (double) height / 1e6, mapSize, inputSize));
        for (int s = 0; s < DECODE_SMALL; s++) {
            row.append(String.format(Locale.ROOT, " %.1f |", ms[s]));
        }
        double restBefore = rest - ms[PNG] + ms[PNG_BEFORE];
        row.append(String.format(Locale.ROOT, " %.1f | **%.1f %%** | %.1f %% | %d | %d |", rest,
                100 * rest / ms[FORWARD], 100 * restBefore / ms[FORWARD], pngBytes / 1024, pngBeforeBytes / 1024));
        System.out.println(row);
        double[] difference = mapDifference(model, preprocessor, decoder, jpeg, maxSide, smallSide);
        return String.format(Locale.ROOT, "| %s (%.1f MP) | %s | %.1f | %s | %.1f | %.2f %% | %.3f %% |",
                width + "x" + height, width * (double) height / 1e6, mapSize, ms[0], smallSize,
                ms[DECODE_SMALL], 100 * difference[0], 100 * difference[1]);
    }

    /** Largest and mean absolute difference (share of the 16-bit range) between the maps of the two decodes. */
    private static double[] mapDifference(DepthModel model, DepthPreprocessor preprocessor, MediaDecoder decoder,
                                          Path jpeg, int maxSide, int smallSide) throws Exception {
        int[] now;
        int[] small;
        int mapWidth;
        int mapHeight;
        try (Mat picture = decoder.decode(jpeg, MediaType.PHOTO, maxSide)) {
            mapWidth = picture.cols();
            mapHeight = picture.rows();
            now = depth16(model, preprocessor.prepare(picture), mapWidth, mapHeight);
        }
        try (Mat picture = decoder.decode(jpeg, MediaType.PHOTO, smallSide)) {
            small = depth16(model, preprocessor.prepare(picture), mapWidth, mapHeight);
        }
        double largest = 0;
        double sum = 0;
        for (int i = 0; i < now.length; i++) {
            double d = Math.abs(now[i] - small[i]) / 65535.0;
            largest = Math.max(largest, d);
            sum += d;
        }
        return new double[] {largest, sum / now.length};
    }

    private static int[] depth16(DepthModel model, PreparedImage prepared, int width, int height) {
        DepthModel.Output output = model.forward(prepared.chw(), 1, prepared.width(), prepared.height());
        try (Mat floats = DepthPostprocessor.floatMat(output.values(), output.offset(0), output.width(), output.height());
             Mat resized = DepthPostprocessor.resizeBilinear(floats, width, height);
             Mat depth16 = DepthPostprocessor.normalise16(resized)) {
            return TestPictures.values16(depth16);
        }
    }

    private DepthOverheadBenchmark() {
    }
}
