package dev.mediaflow.visionworker.depth;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import dev.mediaflow.visionworker.meters.GpuUtilisation;
import dev.mediaflow.worker.torch.DjlRuntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: the depth model's throughput from Java on the device DJL picks, as scripts/gpu-check runs it beside
 * PyTorch's own numbers for the same TorchScript files. Each pass is what the worker does per batch: float input
 * from the heap to the device, the forward pass, the maps back to the heap as float.
 *
 * <p>Arguments: {@code precision=model.pt ...} (fp32 first: the others are compared with its maps),
 * {@code --batches=1,4,16}, {@code --seconds=S} per row, {@code --size=518}, {@code --allow-cpu}. Prints
 * tab-separated rows: {@code java <precision> <batch> <images/s> <ms/pass>} and
 * {@code accuracy <precision> <batch> <max |Δ|> <mean |Δ|>} (depth normalised to 0..1 per map), then the device.
 * Exits 3 when Java did not get a GPU (unless {@code --allow-cpu}).
 */
public final class GpuDepthBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, Path> models = new LinkedHashMap<>();
        int[] batches = {1, 4, 16};
        double seconds = 5;
        int size = 518;
        boolean allowCpu = false;
        for (String arg : args) {
            if (arg.startsWith("--batches=")) {
                batches = java.util.Arrays.stream(arg.substring(10).split(",")).mapToInt(Integer::parseInt).toArray();
            } else if (arg.startsWith("--seconds=")) {
                seconds = Double.parseDouble(arg.substring(10));
            } else if (arg.startsWith("--size=")) {
                size = Integer.parseInt(arg.substring(7));
            } else if (arg.equals("--allow-cpu")) {
                allowCpu = true;
            } else {
                models.put(arg.substring(0, arg.indexOf('=')), Path.of(arg.substring(arg.indexOf('=') + 1)));
            }
        }
        Engine engine = DjlRuntime.start();
        int gpus = engine.getGpuCount();
        Device device = gpus > 0 ? Device.gpu() : Device.cpu();
        System.out.printf("device\t%s\tPyTorch %s, %d GPU(s) seen by DJL%n", device.isGpu() ? "gpu" : "cpu",
                engine.getVersion(), gpus);
        if (!device.isGpu() && !allowCpu) {
            System.out.println("FAIL\tJava picked the CPU: DJL sees no GPU");
            System.exit(3);
        }
        GpuUtilisation nvml = GpuUtilisation.open();
        Map<Integer, float[]> reference = new LinkedHashMap<>();
        for (Map.Entry<String, Path> model : models.entrySet()) {
            try (DepthModel loaded = DepthModel.load(model.getValue(), device)) {
                for (int batch : batches) {
                    float[] chw = randomPictures(batch, size);
                    DepthModel.Output first = null;
                    for (int i = 0; i < 3; i++) {
                        first = loaded.forward(chw, batch, size, size);
                    }
                    List<Long> passes = new ArrayList<>();
                    long start = System.nanoTime();
                    double busy = Double.NaN;
                    while (System.nanoTime() - start < seconds * 1e9 || passes.size() < 5) {
                        long t0 = System.nanoTime();
                        loaded.forward(chw, batch, size, size);
                        passes.add(System.nanoTime() - t0);
                        if (passes.size() == 5 && nvml != null) {
                            busy = nvml.busy();
                        }
                    }
                    double total = (System.nanoTime() - start) / 1e9;
                    System.out.printf("java\t%s\t%d\t%.1f\t%.2f\t%s%n", loaded.precision(), batch,
                            passes.size() * batch / total, total * 1000 / passes.size(),
                            Double.isNaN(busy) ? "-" : String.format("%.0f%%", busy * 100));
                    if (reference.containsKey(batch)) {
                        double[] diff = compare(reference.get(batch), first.values(), batch);
                        System.out.printf("accuracy\t%s\t%d\t%.4f\t%.5f%n", loaded.precision(), batch, diff[0],
                                diff[1]);
                    } else {
                        reference.put(batch, first.values());
                    }
                }
            }
        }
        if (device.isGpu()) {
            var memory = CudaUtils.getGpuMemory(device);
            System.out.printf("memory\t%d MiB used of %d MiB%n", memory.getUsed() >> 20, memory.getMax() >> 20);
        }
    }

    /** Pictures of the model's input size, values like ImageNet-normalised pixels, the same for every model. */
    static float[] randomPictures(int batch, int size) {
        Random random = new Random(batch);
        float[] values = new float[batch * 3 * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** max and mean |a - b| of each map normalised to 0..1 (what the PNG stores), over all maps. */
    static double[] compare(float[] a, float[] b, int maps) {
        int each = a.length / maps;
        double worst = 0;
        double sum = 0;
        for (int m = 0; m < maps; m++) {
            float[] na = normalised(a, m * each, each);
            float[] nb = normalised(b, m * each, each);
            for (int i = 0; i < each; i++) {
                double d = Math.abs(na[i] - nb[i]);
                worst = Math.max(worst, d);
                sum += d;
            }
        }
        return new double[] {worst, sum / a.length};
    }

    private static float[] normalised(float[] values, int from, int length) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int i = from; i < from + length; i++) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
        }
        float range = max > min ? max - min : 1;
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (values[from + i] - min) / range;
        }
        return out;
    }

    private GpuDepthBenchmark() {
    }
}
