package dev.mediaflow.visionworker.depth;

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

    private DepthModel(Model model, Device device) {
        this.model = model;
        this.device = device;
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

    public synchronized Output forward(float[] nchw, int count, int width, int height) {
        if (nchw.length != count * 3 * width * height) {
            throw new IllegalArgumentException("expected " + count + "x3x" + height + "x" + width + " floats, got "
                    + nchw.length);
        }
        try (NDManager manager = model.getNDManager().newSubManager(device)) {
            NDArray input = manager.create(FloatBuffer.wrap(nchw), new Shape(count, 3, height, width));
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
