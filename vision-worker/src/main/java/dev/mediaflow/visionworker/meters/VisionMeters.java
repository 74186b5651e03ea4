package dev.mediaflow.visionworker.meters;

import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import dev.mediaflow.worker.meters.CodecTimers;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The vision worker's own meters, next to those every worker has (worker-core's {@code TaskMeters} and
 * {@code WorkerStateMeters}).
 */
@Configuration(proxyBeanMethods = false)
public class VisionMeters {

    /** {@code mediaflow_decode_seconds} and {@code mediaflow_encode_seconds} with {@code kind="vision"}. */
    @Bean
    CodecTimers codecTimers(MeterRegistry registry) {
        return new CodecTimers(registry, WorkerKind.VISION);
    }

    @Bean
    InferenceMeters inferenceMeters(MeterRegistry registry, CodecTimers codecTimers) {
        return new InferenceMeters(registry, codecTimers);
    }

    @Bean
    ModelMeters modelMeters(DepthEstimator estimator) {
        return new ModelMeters(estimator);
    }
}
