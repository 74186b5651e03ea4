package dev.mediaflow.imageworker.device;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImageDeviceTest {

    @Test
    void theBundledOpenCvMakesVariantsOnTheCpu() {
        ImageDevice device = ImageDevice.detect();

        assertThat(device.name()).isEqualTo("cpu");
        assertThat(device.gpu()).isFalse();
        assertThat(device.cudaDevices()).isZero();
        assertThat(device.reason()).contains("without CUDA");
    }
}
