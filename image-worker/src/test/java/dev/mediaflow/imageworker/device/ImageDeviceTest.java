package dev.mediaflow.imageworker.device;

import dev.mediaflow.worker.torch.DeviceChoice;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageDeviceTest {

    @Test
    void autoWithoutACudaDeviceMakesVariantsOnTheCpuAndSaysWhy() {
        ImageDevice device = ImageDevice.probe(DeviceChoice.AUTO, () -> 0);

        assertThat(device.name()).isEqualTo("cpu");
        assertThat(device.gpu()).isFalse();
        assertThat(device.ops()).isInstanceOf(CpuPixelOps.class);
        assertThat(device.reason()).contains("no CUDA device");
    }

    @Test
    void autoFallsBackWhenTheLoadedLibtorchHasNoCuda() {
        // a CUDA device reported, but the libtorch here is the CPU build: the CPU path, with the reason
        ImageDevice device = ImageDevice.probe(DeviceChoice.AUTO, () -> 1);

        assertThat(device.name()).isEqualTo("cpu");
        assertThat(device.reason()).contains("has no CUDA").contains("PYTORCH_LIBRARY_PATH");
    }

    @Test
    void autoFallsBackWhenTheCudaRuntimeCannotBeAsked() {
        ImageDevice device = ImageDevice.probe(DeviceChoice.AUTO, () -> {
            throw new UnsatisfiedLinkError("libcudart.so: cannot open shared object file");
        });

        assertThat(device.name()).isEqualTo("cpu");
        assertThat(device.reason()).contains("CUDA runtime cannot be asked");
    }

    @Test
    void gpuWithoutOneRefusesToStart() {
        assertThatThrownBy(() -> ImageDevice.probe(DeviceChoice.GPU, () -> 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MEDIAFLOW_DEVICE=gpu").hasMessageContaining("auto or cpu");
    }

    @Test
    void cpuNeverLooks() {
        ImageDevice device = ImageDevice.probe(DeviceChoice.CPU, () -> {
            throw new AssertionError("cpu must not look for CUDA");
        });

        assertThat(device.name()).isEqualTo("cpu");
        assertThat(device.reason()).isEqualTo("MEDIAFLOW_DEVICE=cpu");
    }
}
