package dev.mediaflow.imageworker.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.mediaflow.imageworker.device.CpuPixelOps;
import dev.mediaflow.imageworker.device.ImageDevice;
import dev.mediaflow.imageworker.device.PixelDifference;
import dev.mediaflow.imageworker.device.PixelOps;
import dev.mediaflow.imageworker.device.TorchPixelOps;
import dev.mediaflow.imageworker.variants.TestMedia;
import dev.mediaflow.imageworker.variants.VariantMaker;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.torch.DjlRuntime;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Not a test: the variants' pixel work on the CPU (OpenCV, all cores) and on the GPU (libtorch through DJL) for a
 * 12 MP picture, as scripts/gpu-check runs it. Rows, tab-separated, median of the runs:
 * <pre>
 *   variants-ops &lt;cpu|gpu&gt; &lt;ms&gt;      shrink 4000x3000 to 1280, 640 (+ blur sigma 8) and 320: the part that moves
 *   variants-make &lt;cpu|gpu&gt; &lt;kind&gt; &lt;ms&gt;   VariantMaker end to end on a 12 MP file (decode and encode on the CPU)
 *   variants-diff &lt;step&gt; &lt;max&gt; &lt;mean&gt;   GPU output against the CPU's, in levels of 255
 * </pre>
 * Arguments: {@code --runs=N} (default 20), {@code --allow-cpu} (run the "gpu" side on libtorch's CPU).
 * Exits 3 when DJL sees no GPU and {@code --allow-cpu} is not given.
 */
public final class GpuVariantBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = 20;
        boolean allowCpu = false;
        for (String arg : args) {
            if (arg.startsWith("--runs=")) {
                runs = Integer.parseInt(arg.substring(7));
            } else if (arg.equals("--allow-cpu")) {
                allowCpu = true;
            }
        }
        Engine engine = DjlRuntime.start();
        Device device = engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        System.out.printf("device\t%s\tlibtorch %s; OpenCV on %d threads%n", device.isGpu() ? "gpu" : "cpu",
                engine.getVersion(), opencv_core.getNumThreads());
        if (!device.isGpu() && !allowCpu) {
            System.out.println("FAIL\tJava picked the CPU: DJL sees no GPU");
            System.exit(3);
        }
        CpuPixelOps cpu = new CpuPixelOps();
        try (TorchPixelOps gpu = new TorchPixelOps(device)) {
            Mat picture = TestMedia.picture(4000, 3000);
            addNoise(picture);
            System.out.printf("variants-ops\tcpu\t%.1f%n", median(runs, () -> chain(cpu, picture)));
            System.out.printf("variants-ops\tgpu\t%.1f%n", median(runs, () -> chain(gpu, picture)));
            diff(cpu, gpu, picture);

            Path dir = Files.createTempDirectory("gpu-variants");
            Path png = TestMedia.image(dir.resolve("12mp.png"), picture);
            Path jpeg = TestMedia.image(dir.resolve("12mp.jpg"), picture);
            List<Operation> ops = List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
            for (Path file : List.of(png, jpeg)) {
                for (PixelOps ops1 : List.<PixelOps>of(cpu, gpu)) {
                    VariantMaker maker = new VariantMaker(new ImageDevice(ops1.device(), 0, "bench", ops1),
                            DecodeLimits.DEFAULT);
                    Path out = dir.resolve("out-" + ops1.device());
                    double ms = median(Math.max(3, runs / 4),
                            () -> maker.make(file, MediaType.PHOTO, ops, out, () -> { }));
                    System.out.printf("variants-make\t%s\t%s\t%.1f%n", ops1.device(),
                            file.getFileName().toString().endsWith("png") ? "png" : "jpeg", ms);
                }
            }
        }
    }

    /** What the worker does between decode and encode for the three variants. */
    static void chain(PixelOps ops, Mat picture) {
        Mat large = ops.fitWithin(picture, 1280);
        Mat medium = ops.fitWithin(large, 640);
        Mat blurred = ops.gaussianBlur(medium, 8);
        Mat small = ops.fitWithin(medium, 320);
        for (Mat m : new Mat[] {large, medium, blurred, small}) {
            m.close();
        }
    }

    private static void diff(PixelOps cpu, PixelOps gpu, Mat picture) {
        Mat c1280 = cpu.fitWithin(picture, 1280);
        report("1280", c1280, gpu.fitWithin(picture, 1280));
        Mat c640 = cpu.fitWithin(c1280, 640);
        report("640", c640, gpu.fitWithin(c1280, 640));
        report("blur", cpu.gaussianBlur(c640, 8), gpu.gaussianBlur(c640, 8));
        report("320", cpu.fitWithin(c640, 320), gpu.fitWithin(c640, 320));
    }

    private static void report(String step, Mat a, Mat b) {
        PixelDifference difference = PixelDifference.of(a, b);
        System.out.printf("variants-diff\t%s\t%d\t%.4f%n", step, difference.largest(), difference.mean());
    }

    private static void addNoise(Mat picture) {
        byte[] pixels = new byte[picture.rows() * picture.cols() * 3];
        picture.data().get(pixels);
        Random random = new Random(7);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) Math.max(0, Math.min(255, (pixels[i] & 0xff) + (int) (random.nextGaussian() * 12)));
        }
        picture.data().put(pixels);
    }

    private static double median(int runs, Runnable step) {
        for (int i = 0; i < 2; i++) {
            step.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            step.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    }

    private GpuVariantBenchmark() {
    }
}
