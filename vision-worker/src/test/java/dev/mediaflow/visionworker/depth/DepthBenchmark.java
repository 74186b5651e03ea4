package dev.mediaflow.visionworker.depth;

import dev.mediaflow.worker.torch.DjlRuntime;
import ai.djl.Device;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/**
 * Not a test: median time per stage of a depth map from a 640x480 JPEG, at batch 1 and 4. Run by
 * scripts/bench-depth. Arguments: one {@code label=path,inputSize,fixed,iterations} per model.
 */
public final class DepthBenchmark {

    private static final int[] BATCHES = {1, 4};

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        byte[] jpeg = jpeg(640, 480);
        System.out.printf("%d cores, PyTorch %s, source 640x480 JPEG (%d bytes)%n",
                Runtime.getRuntime().availableProcessors(), DjlRuntime.start().getVersion(), jpeg.length);
        System.out.printf("%-34s %-9s %5s %22s %12s %22s %14s%n", "model", "input", "batch",
                "decode+preprocess ms", "forward ms", "postprocess+PNG ms", "total/image ms");
        for (String arg : args) {
            String label = arg.substring(0, arg.indexOf('='));
            String[] p = arg.substring(arg.indexOf('=') + 1).split(",");
            DepthPreprocessor preprocessor = new DepthPreprocessor(Integer.parseInt(p[1]), Boolean.parseBoolean(p[2]));
            int iterations = Integer.parseInt(p[3]);
            try (DepthModel model = DepthModel.load(Path.of(p[0]), Device.cpu())) {
                for (int batch : BATCHES) {
                    run(label, model, preprocessor, jpeg, batch, iterations);
                }
            }
        }
    }

    private static void run(String label, DepthModel model, DepthPreprocessor preprocessor, byte[] jpeg, int batch,
                            int iterations) {
        List<long[]> samples = new ArrayList<>();
        String input = "";
        for (int i = 0; i <= iterations; i++) {
            long t0 = System.nanoTime();
            List<PreparedImage> prepared = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                try (Mat raw = new Mat(jpeg); Mat bgr = imdecode(raw, IMREAD_COLOR)) {
                    prepared.add(preprocessor.prepare(bgr));
                }
            }
            float[] stacked = PreparedImage.stack(prepared);
            long t1 = System.nanoTime();
            PreparedImage first = prepared.get(0);
            DepthModel.Output output = model.forward(stacked, batch, first.width(), first.height());
            long t2 = System.nanoTime();
            for (int b = 0; b < batch; b++) {
                DepthPostprocessor.toDepthMap(output.values(), output.offset(b), output.width(), output.height(),
                        first.sourceWidth(), first.sourceHeight());
            }
            long t3 = System.nanoTime();
            input = first.width() + "x" + first.height();
            if (i > 0) {
                samples.add(new long[] {t1 - t0, t2 - t1, t3 - t2});
            }
        }
        double pre = median(samples, 0);
        double forward = median(samples, 1);
        double post = median(samples, 2);
        System.out.printf("%-34s %-9s %5d %22.1f %12.1f %22.1f %14.1f%n", label, input, batch, pre, forward, post,
                (pre + forward + post) / batch);
    }

    /** The median of one stage over the samples, in ms (also {@link DepthOverheadBenchmark}'s). */
    static double median(List<long[]> samples, int stage) {
        double[] ms = samples.stream().mapToDouble(s -> s[stage] / 1e6).sorted().toArray();
        return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    }

    /** A photo-like JPEG of that size, quality 90 (also {@link DepthOverheadBenchmark}'s). */
    static byte[] jpeg(int width, int height) {
        try (Mat picture = TestPictures.jpegLike(width, height, 42); BytePointer out = new BytePointer();
             IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 90)) {
            imencode(".jpg", picture, out, params);
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    private DepthBenchmark() {
    }
}
