package dev.mediaflow.imageworker.device;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mediaflow.worker.media.Pixels;
import dev.mediaflow.worker.torch.DjlRuntime;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

/**
 * The pixel operations with libtorch through DJL, on whatever device DJL's PyTorch engine was given (a CUDA GPU in
 * production; the CPU in the tests that hold it to OpenCV's output). Each operation is OpenCV's own arithmetic
 * as two matrix products per channel, {@code rows · picture · columnsᵀ} ({@link SeparableWeights}), which a GPU
 * runs at its full rate, so the result equals the CPU path's up to float rounding.
 *
 * <p>The weight matrices depend only on the sizes; the few sizes a worker meets (a camera's picture sizes and the
 * variants' own) stay on the device, the least recently used freed past {@link #CACHED_WEIGHTS}.
 * Thread-safe: the device part of a call (a few milliseconds on a GPU) runs one call at a time, so that a weight
 * matrix is never freed while another call multiplies with it; copying the pixels in and out runs in parallel.
 */
public final class TorchPixelOps implements PixelOps, AutoCloseable {

    static final int CACHED_WEIGHTS = 32;

    private final NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>(16, 0.75f, true);

    public TorchPixelOps(Device device) {
        this.manager = NDManager.newBaseManager(device, DjlRuntime.ENGINE);
    }

    @Override
    public Mat fitWithin(Mat src, int longestSide) {
        int[] size = Pixels.sizeWithin(src.cols(), src.rows(), longestSide);
        if (size[0] == src.cols() && size[1] == src.rows()) {
            return src;
        }
        return apply(src, size[0], size[1],
                () -> SeparableWeights.area(src.rows(), size[1]), "area-" + src.rows() + "-" + size[1],
                () -> SeparableWeights.area(src.cols(), size[0]), "area-" + src.cols() + "-" + size[0]);
    }

    @Override
    public Mat gaussianBlur(Mat src, double sigma) {
        return apply(src, src.cols(), src.rows(),
                () -> SeparableWeights.gaussian(src.rows(), sigma), "gauss-" + src.rows() + "-" + sigma,
                () -> SeparableWeights.gaussian(src.cols(), sigma), "gauss-" + src.cols() + "-" + sigma);
    }

    @Override
    public String device() {
        return manager.getDevice().isGpu() ? "gpu" : "cpu";
    }

    private Mat apply(Mat src, int width, int height, Supplier<float[]> rowWeights, String rowKey,
                      Supplier<float[]> columnWeights, String columnKey) {
        if (src.type() != CV_8UC3 || !src.isContinuous()) {
            throw new IllegalArgumentException("expects continuous 8-bit BGR, got type " + src.type());
        }
        int rows = src.rows();
        int cols = src.cols();
        byte[] pixels = new byte[rows * cols * 3];
        src.data().get(pixels);
        byte[] out;
        synchronized (this) {
            out = multiply(pixels, rows, cols, weights(rowKey, height, rows, rowWeights),
                    weights(columnKey, width, cols, columnWeights));
        }
        Mat dst = new Mat(height, width, CV_8UC3);
        dst.data().put(out);
        return dst;
    }

    private byte[] multiply(byte[] pixels, int rows, int cols, NDArray rowMatrix, NDArray columnMatrix) {
        try (NDManager call = manager.newSubManager()) {
            NDArray picture = call.create(ByteBuffer.wrap(pixels), new Shape(rows, cols, 3), DataType.UINT8)
                    .toType(DataType.FLOAT32, false)
                    .transpose(2, 0, 1);
            // (h x rows) · (3, rows, cols) · (cols x w) -> (3, h, w)
            NDArray result = rowMatrix.matMul(picture).matMul(columnMatrix.transpose());
            // halves round up, as OpenCV's integer paths do ((sum + 2) >> 2 for a 2x shrink); torch's round() would
            // round them to even and differ by one level on an eighth of the pixels
            return result.transpose(1, 2, 0).add(0.5f).floor().clip(0, 255).toType(DataType.UINT8, false)
                    .toByteArray();
        }
    }

    /** Called holding the lock on {@code this}. */
    private NDArray weights(String key, int out, int in, Supplier<float[]> values) {
        NDArray cached = weights.get(key);
        if (cached != null) {
            return cached;
        }
        NDArray created = manager.create(values.get(), new Shape(out, in));
        weights.put(key, created);
        if (weights.size() > CACHED_WEIGHTS) {
            var eldest = weights.entrySet().iterator();
            eldest.next().getValue().close();
            eldest.remove();
        }
        return created;
    }

    @Override
    public synchronized void close() {
        weights.clear();
        manager.close();
    }
}
