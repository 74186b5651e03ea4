package dev.mediaflow.imageworker.tasks;

import dev.mediaflow.imageworker.variants.VariantMaker;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.worker.TaskContext;
import dev.mediaflow.worker.TaskHandler;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/** Image tasks: the thumbnail, blur and low-quality WebP variants of a photo or of a video frame. */
@Component
class ImageTaskHandler implements TaskHandler {

    private final VariantMaker variants;

    ImageTaskHandler(VariantMaker variants) {
        this.variants = variants;
    }

    @Override
    public WorkerKind kind() {
        return WorkerKind.IMAGE;
    }

    @Override
    public String device() {
        return variants.device().name();
    }

    @Override
    public Map<String, VariantResult> handle(TaskContext context) {
        Map<Operation, VariantResult> made = variants.make(context.input(), context.task().mediaType(),
                context.task().operations(), context.outputDir(), context::checkpoint, context);
        Map<String, VariantResult> results = new LinkedHashMap<>();
        made.forEach((op, result) -> results.put(op.json(), result));
        return results;
    }
}
