package dev.mediaflow.visionworker.depth;

import dev.mediaflow.worker.torch.DeviceChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelLocationTest {

    @Test
    void acceptsAPathAndAFileUrl(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("depth.pt"), new byte[] {1});

        assertThat(ModelLocation.resolve(file.toString())).isEqualTo(new ModelLocation("depth.pt", file));
        assertThat(ModelLocation.resolve(file.toUri().toString())).isEqualTo(new ModelLocation("depth.pt", file));
    }

    @Test
    void explainsWhatIsMissing(@TempDir Path dir) {
        assertThatThrownBy(() -> ModelLocation.resolve(" "))
                .hasMessage("no model configured: set MEDIAFLOW_DEPTH_MODEL, see docs/depth-model.md");
        assertThatThrownBy(() -> ModelLocation.resolve(dir.resolve("absent.pt").toString()))
                .hasMessageStartingWith("model file not found: ");
        assertThatThrownBy(() -> ModelLocation.resolve(dir.toString()))
                .hasMessageStartingWith("model file not found: ");
    }

    @Test
    void neverFetchesRemoteModels() {
        assertThatThrownBy(() -> ModelLocation.resolve("https://example.invalid/depth_anything_v2_vits.pt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("remote model URLs are not supported offline");
        assertThatThrownBy(() -> ModelLocation.resolve("s3://bucket/model.pt"))
                .hasMessageStartingWith("unsupported model location");
    }

    @Test
    void namesTheModelByItsFile() {
        assertThat(ModelLocation.displayName("/models/depth_anything_v2_vits.pt")).isEqualTo("depth_anything_v2_vits.pt");
        assertThat(ModelLocation.displayName("https://host/a/model.pt?download=1")).isEqualTo("model.pt");
        assertThat(ModelLocation.displayName("")).isNull();
    }

    @Test
    void parsesTheDeviceChoice() {
        assertThat(DeviceChoice.parse("AUTO")).isEqualTo(DeviceChoice.AUTO);
        assertThat(DeviceChoice.parse(" cpu ")).isEqualTo(DeviceChoice.CPU);
        assertThat(DeviceChoice.parse("gpu")).isEqualTo(DeviceChoice.GPU);
        assertThatThrownBy(() -> DeviceChoice.parse("tpu")).hasMessageContaining("auto, cpu or gpu");
    }

    @Test
    void validatesTheSettings() {
        assertThatThrownBy(() -> new DepthSettings("m.pt", 10, false, 4, Duration.ofMillis(5), 2048)).hasMessageContaining("input-size");
        assertThatThrownBy(() -> new DepthSettings("m.pt", 518, false, 0, Duration.ofMillis(5), 2048)).hasMessageContaining("batch");
    }
}
