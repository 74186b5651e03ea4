package dev.mediaflow.visionworker.meters;

import dev.mediaflow.visionworker.depth.InferenceListener;
import dev.mediaflow.worker.meters.CodecTimers;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The depth model at work: {@code mediaflow_inference_seconds} (one forward pass, whatever its batch) and
 * {@code mediaflow_inference_batch_size} (pictures per pass), plus each depth map's making as
 * {@code mediaflow_encode_seconds{kind="vision"}}. Together they answer whether batching pays on a GPU (passes
 * of 4 costing about one) and whether a CPU keeps up (seconds per pass).
 */
public class InferenceMeters implements InferenceListener {

    /** A small model on a GPU answers in milliseconds; a large one on a CPU in tens of seconds. */
    static final Duration[] INFERENCE_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120)};
    /** Batches are at most {@code MEDIAFLOW_DEPTH_BATCH} (4 by default). */
    static final double[] BATCH_BUCKETS = {1, 2, 3, 4, 6, 8, 12, 16, 32};

    private final Timer inference;
    private final DistributionSummary batchSize;
    private final CodecTimers codec;

    public InferenceMeters(MeterRegistry registry, CodecTimers codec) {
        this.codec = codec;
        this.inference = Timer.builder("mediaflow.inference")
                .description("time of one forward pass of the depth model")
                .serviceLevelObjectives(INFERENCE_BUCKETS)
                .register(registry);
        this.batchSize = DistributionSummary.builder("mediaflow.inference.batch.size")
                .description("pictures in one forward pass of the depth model")
                .serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry);
    }

    @Override
    public void forwardPass(int pictures, long nanos) {
        inference.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(pictures);
    }

    @Override
    public void depthMapMade(long nanos) {
        codec.encoded(nanos);
    }
}
