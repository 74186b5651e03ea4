package dev.mediaflow.visionworker.depth;

import dev.mediaflow.worker.torch.DeviceChoice;
import dev.mediaflow.worker.torch.DjlRuntime;
import ai.djl.engine.Engine;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The real engine with the shipped test model (depth = row index + 0.01 * brightness). */
class DepthEstimatorTest {

    private static DepthEstimator estimator;

    @BeforeAll
    static void load() throws Exception {
        estimator = DepthEstimator.start(DepthSettings.of(TestPictures.rowDepthModel().toString()), DeviceChoice.AUTO);
        estimator.ready().get(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() {
        estimator.close();
    }

    @Test
    void loadsOnTheCpuWhenNoGpuIsSeen() {
        assumeThat(Engine.getEngine(DjlRuntime.ENGINE).getGpuCount()).isZero();

        assertThat(estimator.status()).isEqualTo(new ModelStatus("row-depth.pt", ModelStatus.State.LOADED, "cpu", null,
                "MEDIAFLOW_DEVICE=auto: PyTorch sees no GPU (a CPU libtorch, or no CUDA device), depth runs on the CPU",
                "fp32"));
    }

    @Test
    void theEngineRunsOffline() {
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
        assertThat(System.getProperty("ENGINE_CACHE_DIR")).isNotBlank();
        assertThat(Path.of(System.getProperty("ENGINE_CACHE_DIR"))).isDirectory();
    }

    @Test
    void makesA16BitDepthMapOfTheSourceSizeNearerBrighter() {
        try (Mat photo = TestPictures.jpegLike(640, 480, 1)) {
            DepthMap map = estimator.estimate(photo);

            assertThat(map.width()).isEqualTo(640);
            assertThat(map.height()).isEqualTo(480);
            try (Mat depth = TestPictures.decode16(map.png())) {
                assertThat(depth.cols()).isEqualTo(640);
                assertThat(depth.rows()).isEqualTo(480);
                int[] values = TestPictures.values16(depth);
                assertThat(java.util.Arrays.stream(values).min().getAsInt()).isZero();
                assertThat(java.util.Arrays.stream(values).max().getAsInt()).isEqualTo(65535);
                double[] rows = TestPictures.rowMeans(depth);
                assertThat(rows[0]).isLessThan(1000);
                assertThat(rows[479]).isGreaterThan(64500);
                for (int y = 1; y < rows.length; y++) {
                    assertThat(rows[y]).as("row %d below row %d", y, y - 1).isGreaterThan(rows[y - 1]);
                }
            }
        }
    }

    @Test
    void keepsPortraitPortrait() {
        try (Mat photo = TestPictures.jpegLike(480, 640, 2); Mat depth = TestPictures.decode16(estimator.estimate(photo).png())) {
            assertThat(depth.cols()).isEqualTo(480);
            assertThat(depth.rows()).isEqualTo(640);
            double[] rows = TestPictures.rowMeans(depth);
            assertThat(rows[639]).isGreaterThan(rows[320]).isGreaterThan(rows[0]);
        }
    }

    @Test
    void fixedInputStillAnswersInTheSourceSize() throws Exception {
        try (DepthEstimator fixed = DepthEstimator.start(
                new DepthSettings(TestPictures.rowDepthModel().toString(), 518, true, 1, Duration.ofMillis(5), 2048), DeviceChoice.CPU);
             Mat photo = TestPictures.jpegLike(640, 480, 3)) {
            fixed.ready().get(60, TimeUnit.SECONDS);
            try (Mat depth = TestPictures.decode16(fixed.estimate(photo).png())) {
                assertThat(depth.cols()).isEqualTo(640);
                assertThat(depth.rows()).isEqualTo(480);
            }
        }
    }

    @Test
    void batchesSameSizeInputsWithTheSameResultsAsOneByOne() {
        try (Mat a = TestPictures.jpegLike(640, 480, 4); Mat b = TestPictures.jpegLike(640, 480, 5);
             Mat portrait = TestPictures.jpegLike(480, 640, 6); Mat c = TestPictures.jpegLike(640, 480, 7);
             Mat d = TestPictures.jpegLike(640, 480, 8); Mat e = TestPictures.jpegLike(640, 480, 9)) {
            List<Mat> inputs = List.of(a, portrait, b, c, d, e);

            List<DepthMap> batched = estimator.estimate(inputs);

            assertThat(batched).hasSize(6);
            for (int i = 0; i < inputs.size(); i++) {
                DepthMap single = estimator.estimate(inputs.get(i));
                assertThat(batched.get(i).width()).isEqualTo(inputs.get(i).cols());
                assertThat(batched.get(i).png()).as("image %d", i).isEqualTo(single.png());
            }
            assertThat(batched.get(0).png()).isNotEqualTo(batched.get(2).png());
        }
    }

    @Test
    void refusesAnEmptyPicture() {
        try (Mat empty = new Mat()) {
            assertThatThrownBy(() -> estimator.estimate(empty)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aCorruptModelFileFailsWithTheReason(@TempDir Path dir) throws IOException {
        Path corrupt = Files.write(dir.resolve("corrupt.pt"), "not a TorchScript archive".getBytes());

        try (DepthEstimator broken = DepthEstimator.start(DepthSettings.of(corrupt.toString()), DeviceChoice.CPU)) {
            assertFailed(broken, "cannot load the depth model");
            assertThat(broken.status().model()).isEqualTo("corrupt.pt");
            try (Mat photo = TestPictures.jpegLike(64, 48, 1)) {
                assertThatThrownBy(() -> broken.estimate(photo)).isInstanceOf(DepthModelUnavailableException.class)
                        .hasMessageContaining("failed");
            }
        }
    }

    @Test
    void aMissingModelFails(@TempDir Path dir) {
        try (DepthEstimator missing = DepthEstimator.start(
                DepthSettings.of(dir.resolve("absent.pt").toString()), DeviceChoice.AUTO)) {
            assertFailed(missing, "model file not found");
            assertThat(missing.status().model()).isEqualTo("absent.pt");
            assertThat(missing.status().message()).endsWith("absent.pt").doesNotContain(dir.toString());
        }
    }

    @Test
    void noModelConfiguredSaysWhatToSet() {
        try (DepthEstimator none = DepthEstimator.start(DepthSettings.of(""), DeviceChoice.AUTO)) {
            assertFailed(none, "no model configured: set MEDIAFLOW_DEPTH_MODEL, see docs/depth-model.md");
            assertThat(none.status().model()).isNull();
        }
    }

    @Test
    void aRemoteModelIsNotFetched() {
        try (DepthEstimator remote = DepthEstimator.start(
                DepthSettings.of("https://example.invalid/depth_anything_v2_vits.pt"), DeviceChoice.AUTO)) {
            assertFailed(remote, "remote model URLs are not supported offline");
            assertThat(remote.status().model()).isEqualTo("depth_anything_v2_vits.pt");
        }
    }

    @Test
    void gpuWithoutAGpuFailsClearly() {
        assumeThat(Engine.getEngine(DjlRuntime.ENGINE).getGpuCount()).isZero();

        try (DepthEstimator gpu = DepthEstimator.start(
                DepthSettings.of(TestPictures.rowDepthModel().toString()), DeviceChoice.GPU)) {
            assertFailed(gpu, "MEDIAFLOW_DEVICE=gpu, but PyTorch sees no GPU");
            assertThat(gpu.status().device()).isEqualTo("gpu");
        }
    }

    private static void assertFailed(DepthEstimator estimator, String message) {
        assertThatThrownBy(() -> estimator.ready().get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(estimator.status().status()).isEqualTo(ModelStatus.State.FAILED);
        assertThat(estimator.status().message()).contains(message);
    }
}
