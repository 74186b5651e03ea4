package dev.mediaflow.visionworker.depth;

import dev.mediaflow.worker.torch.DjlRuntime;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A TorchScript depth model loaded with DJL: NCHW float in, (N, H, W) or (N, 1, H, W) relative inverse depth out.
 * One forward pass at a time.
 *
 * <p>The precision follows the file: a model exported in half or bfloat16 (docs/gpu.md) gets its input converted
 * on the device and its output back to float, so the rest of the pipeline always sees float32. On a GPU that
 * halves the memory traffic and uses the tensor cores; the depth maps stay within the tolerance docs/gpu.md
 * states.
 */
public final class DepthModel implements AutoCloseable {

    /** One forward pass's output: {@code count} maps of {@code width x height}, one after another. */
    public record Output(int count, int width, int height, float[] values) {

        public int offset(int index) {
            return index * width * height;
        }
    }

    private final Model model;
    private final Device device;
    private final DataType precision;

    private DepthModel(Model model, Device device) {
        this.model = model;
        this.device = device;
        this.precision = precisionOf(model);
    }

    /** The type of the model's first floating-point parameter: FLOAT32 unless it was exported in half precision. */
    private static DataType precisionOf(Model model) {
        for (var parameter : model.getBlock().getParameters()) {
            DataType type = parameter.getValue().getArray().getDataType();
            if (type == DataType.FLOAT16 || type == DataType.BFLOAT16 || type == DataType.FLOAT32) {
                return type;
            }
        }
        return DataType.FLOAT32;
    }

    /** Needs {@link DjlRuntime#start()} first. A model saved on a GPU is mapped onto {@code device}. */
    public static DepthModel load(Path file, Device device) throws IOException, MalformedModelException {
        String name = file.getFileName().toString();
        Model model = Model.newInstance(name, device, DjlRuntime.ENGINE);
        try (InputStream in = Files.newInputStream(file)) {
            model.load(in, Map.of("mapLocation", "true"));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new DepthModel(model, device);
    }

    public Device device() {
        return device;
    }

    /** "fp32", "fp16" or "bf16": what the forward pass computes in. */
    public String precision() {
        return switch (precision) {
            case FLOAT16 -> "fp16";
            case BFLOAT16 -> "bf16";
            default -> "fp32";
        };
    }

    public synchronized Output forward(float[] nchw, int count, int width, int height) {
        if (nchw.length != count * 3 * width * height) {
            throw new IllegalArgumentException("expected " + count + "x3x" + height + "x" + width + " floats, got "
                    + nchw.length);
        }
        try (NDManager manager = model.getNDManager().newSubManager(device)) {
            NDArray input = manager.create(FloatBuffer.wrap(nchw), new Shape(count, 3, height, width));
            if (precision != DataType.FLOAT32) {
                input = input.toType(precision, false);
            }
            NDList outputs = model.getBlock().forward(new ParameterStore(manager, false), new NDList(input), false);
            outputs.attach(manager);
            NDArray depth = outputs.head();
            Shape shape = depth.getShape();
            boolean plain = shape.dimension() == 3;
            boolean channel = shape.dimension() == 4 && shape.get(1) == 1;
            if (!(plain || channel) || shape.get(0) != count) {
                throw new IllegalStateException("the depth model answered shape " + shape + " for input "
                        + new Shape(count, 3, height, width) + "; expected (N, H, W) or (N, 1, H, W)");
            }
            int outHeight = (int) shape.get(shape.dimension() - 2);
            int outWidth = (int) shape.get(shape.dimension() - 1);
            float[] values = depth.toType(DataType.FLOAT32, false).toFloatArray();
            return new Output(count, outWidth, outHeight, values);
        }
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
