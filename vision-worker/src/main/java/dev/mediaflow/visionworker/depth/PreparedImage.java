package dev.mediaflow.visionworker.depth;

import java.util.List;

/**
 * One image ready for the model: RGB, ImageNet-normalised, CHW float of {@code width x height}, remembering the
 * source size the depth map goes back to.
 */
public record PreparedImage(int width, int height, int sourceWidth, int sourceHeight, float[] chw) {

    public boolean sameInputSize(PreparedImage other) {
        return width == other.width && height == other.height;
    }

    /** NCHW: the images one after another (all of the same input size). */
    public static float[] stack(List<PreparedImage> images) {
        PreparedImage first = images.get(0);
        int each = first.chw.length;
        float[] batch = new float[each * images.size()];
        for (int i = 0; i < images.size(); i++) {
            PreparedImage image = images.get(i);
            if (!image.sameInputSize(first)) {
                throw new IllegalArgumentException("cannot stack " + image.width + "x" + image.height
                        + " with " + first.width + "x" + first.height);
            }
            System.arraycopy(image.chw, 0, batch, i * each, each);
        }
        return batch;
    }
}
