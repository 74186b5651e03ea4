package dev.mediaflow.imageworker.variants;

import dev.mediaflow.imageworker.device.ImageDevice;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring for the processing library; everything here also works without Spring. */
@Configuration(proxyBeanMethods = false)
public class VariantsConfiguration {

    @Bean
    public ImageDevice imageDevice() {
        return ImageDevice.detect();
    }

    @Bean
    public VariantMaker variantMaker(ImageDevice imageDevice) {
        return new VariantMaker(imageDevice);
    }
}
