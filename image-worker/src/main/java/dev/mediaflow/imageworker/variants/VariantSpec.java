package dev.mediaflow.imageworker.variants;

import dev.mediaflow.messages.Operation;

import java.util.Comparator;
import java.util.List;

/** How one image variant is made (docs/api.md, "Where files land"). {@code blurSigma} is in pixels of the variant's own size. */
public record VariantSpec(Operation operation, int longestSide, int webpQuality, double blurSigma) {

    public static final List<VariantSpec> ALL = List.of(
            new VariantSpec(Operation.LOW_QUALITY, 1280, 30, 0),
            new VariantSpec(Operation.BLUR, 640, 70, 8),
            new VariantSpec(Operation.THUMBNAIL, 320, 80, 0));

    /** The image variants among {@code ops}, largest first (so each can be scaled from the previous one). */
    public static List<VariantSpec> forOperations(List<Operation> ops) {
        return ALL.stream()
                .filter(spec -> ops.contains(spec.operation()))
                .sorted(Comparator.comparingInt(VariantSpec::longestSide).reversed())
                .toList();
    }
}
