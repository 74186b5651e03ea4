package dev.mediaflow.visionworker.depth;

import dev.mediaflow.worker.torch.DeviceChoice;
import dev.mediaflow.worker.media.DecodeLimits;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DecodeLimits.class)
public class DepthConfiguration {

    @Bean(destroyMethod = "close")
    DepthEstimator depthEstimator(DepthSettings settings, @Value("${mediaflow.device:auto}") String device,
                                  InferenceListener inferenceMeters) {
        return DepthEstimator.start(settings, DeviceChoice.parse(device), inferenceMeters);
    }

    @Bean(destroyMethod = "close")
    DepthBatcher depthBatcher(DepthEstimator estimator, DepthSettings settings) {
        return new DepthBatcher(estimator, settings.batch(), settings.batchWait());
    }

    /** UP whatever the model does (the worker itself runs); operators read model_status in the details. */
    @Bean
    HealthIndicator depthModel(DepthEstimator estimator) {
        return () -> {
            ModelStatus status = estimator.status();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("model", status.model() == null ? "none" : status.model());
            details.put("model_status", status.status().json());
            details.put("device", status.device());
            if (status.message() != null) {
                details.put("message", status.message());
            }
            return Health.up().withDetails(details).build();
        };
    }
}
