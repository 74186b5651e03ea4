package dev.mediaflow.imageworker.variants;

import dev.mediaflow.imageworker.device.ImageDevice;
import dev.mediaflow.worker.media.DecodeLimits;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring for the processing library; everything here also works without Spring. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DecodeLimits.class)
public class VariantsConfiguration {

    @Bean
    public ImageDevice imageDevice() {
        return ImageDevice.detect();
    }

    @Bean
    public VariantMaker variantMaker(ImageDevice imageDevice, DecodeLimits decodeLimits) {
        return new VariantMaker(imageDevice, decodeLimits);
    }
}
