package dev.mediaflow.imageworker.variants;

import dev.mediaflow.imageworker.device.ImageDevice;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.worker.WorkerSettings;
import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.meters.CodecTimers;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring for the processing library; everything here also works without Spring. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DecodeLimits.class)
public class VariantsConfiguration {

    @Bean
    public ImageDevice imageDevice(WorkerSettings settings) {
        return ImageDevice.detect(settings.deviceChoice());
    }

    /** {@code mediaflow_decode_seconds} and {@code mediaflow_encode_seconds} with {@code kind="image"}. */
    @Bean
    public CodecTimers codecTimers(MeterRegistry registry) {
        return new CodecTimers(registry, WorkerKind.IMAGE);
    }

    @Bean
    public VariantMaker variantMaker(ImageDevice imageDevice, DecodeLimits decodeLimits, CodecTimers codecTimers) {
        return new VariantMaker(imageDevice, decodeLimits, codecTimers);
    }
}
