package dev.mediaflow.messages;

/** One output on disk: its real size and byte count. {@code model} is set for depth maps only. */
public record VariantResult(int width, int height, long bytes, String model) {

    public static VariantResult of(int width, int height, long bytes) {
        return new VariantResult(width, height, bytes, null);
    }
}
