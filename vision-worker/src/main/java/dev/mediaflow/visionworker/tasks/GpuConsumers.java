package dev.mediaflow.visionworker.tasks;

import dev.mediaflow.visionworker.depth.DepthBatcher;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * On a GPU one forward pass over a batch costs about as much as over one picture, so once the
 * model is on a GPU the worker takes as many tasks at once as a batch holds (each consumer still
 * with prefetch 1) and {@link DepthBatcher} lets them share passes. On the CPU nothing changes.
 */
@Component
class GpuConsumers {

    private static final Logger log = LoggerFactory.getLogger(GpuConsumers.class);

    GpuConsumers(DepthEstimator estimator, DepthBatcher batcher,
                 @Qualifier("taskContainer") SimpleMessageListenerContainer tasks) {
        estimator.ready().thenRun(() -> {
            if ("gpu".equals(estimator.status().device()) && batcher.maxBatch() > 1) {
                tasks.setConcurrentConsumers(batcher.maxBatch());
                log.info("Depth runs on the GPU: taking {} tasks at once and batching their forward passes",
                        batcher.maxBatch());
            }
        });
    }
}
