package dev.mediaflow.imageworker.device;

/**
 * OpenCV's INTER_AREA resize and its 8-bit Gaussian blur written as matrices, so that a tensor library can run them
 * as two matrix products ({@code rows · picture · columnsᵀ}) and get OpenCV's pixels, not merely similar ones.
 * Both operations are separable: each output row (column) is a weighted sum of input rows (columns), with
 * weights that depend only on the sizes, so one small matrix per axis holds the whole operation.
 *
 * <p>Pure arithmetic, row-major {@code float[out * in]}: the weight of input {@code i} in output {@code o} is at
 * {@code o * in + i}.
 */
public final class SeparableWeights {

    private SeparableWeights() {
    }

    /**
     * OpenCV's {@code computeResizeAreaTab}: output {@code o} averages the input cell {@code [o·s, (o+1)·s)} with
     * {@code s = in / out}, the partly covered pixels at both ends weighted by the part covered.
     */
    public static float[] area(int in, int out) {
        if (out < 1 || in < out) {
            throw new IllegalArgumentException("area weights shrink only: " + in + " -> " + out);
        }
        double scale = 1.0 / ((double) out / in);
        float[] weights = new float[out * in];
        for (int o = 0; o < out; o++) {
            double from = o * scale;
            double to = from + scale;
            double cell = Math.min(scale, in - from);
            int first = (int) Math.ceil(from);
            int last = Math.min((int) Math.floor(to), in - 1);
            first = Math.min(first, last);
            int row = o * in;
            if (first - from > 1e-3) {
                weights[row + first - 1] += (float) ((first - from) / cell);
            }
            for (int i = first; i < last; i++) {
                weights[row + i] += (float) (1.0 / cell);
            }
            if (to - last > 1e-3) {
                weights[row + last] += (float) (Math.min(Math.min(to - last, 1.0), cell) / cell);
            }
        }
        return weights;
    }

    /**
     * OpenCV's {@code GaussianBlur(src, dst, Size(0, 0), sigma)} along one axis of {@code n} pixels for 8-bit
     * pictures: kernel size {@code round(6σ + 1) | 1}, weights {@code exp(-x²/2σ²)} summing to 1, and OpenCV's
     * default border (reflect-101: {@code gfedcb|abcdefgh|gfedcba}) folded into the matrix.
     */
    public static float[] gaussian(int n, double sigma) {
        if (n < 1 || !(sigma > 0)) {
            throw new IllegalArgumentException("gaussian weights need n >= 1 and sigma > 0, were " + n + ", " + sigma);
        }
        int size = (int) Math.round(sigma * 3 * 2 + 1) | 1;
        int radius = size / 2;
        double[] kernel = new double[size];
        double sum = 0;
        for (int k = 0; k < size; k++) {
            double x = k - radius;
            kernel[k] = Math.exp(-0.5 / (sigma * sigma) * x * x);
            sum += kernel[k];
        }
        float[] weights = new float[n * n];
        for (int o = 0; o < n; o++) {
            for (int k = 0; k < size; k++) {
                weights[o * n + reflect101(o + k - radius, n)] += (float) (kernel[k] / sum);
            }
        }
        return weights;
    }

    /** OpenCV's BORDER_REFLECT_101 for an index that may lie outside {@code [0, n)}, as often as needed. */
    static int reflect101(int p, int n) {
        if (n == 1) {
            return 0;
        }
        while (p < 0 || p >= n) {
            p = p < 0 ? -p : 2 * n - 2 - p;
        }
        return p;
    }
}
