package dev.mediaflow.system;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Depth maps end to end with the shipped row-depth model: nearer (lower rows) is brighter. */
@ExtendWith(StackExtension.class)
class DepthIT {

    @TempDir
    Path tmp;

    @Test
    void aPhotoWithTheDefaultOperationsGetsVariantsAndARealDepthMap(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        ApiClient.Response upload = alice.upload("street.jpg", Media.jpeg(tmp.resolve("street.jpg"), 640, 480));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        assertThat(upload.json().get("operations").toString()).contains("depth", "thumbnail");

        JsonNode item = PipelineIT.awaitStatus(alice, upload.json().get("queueId").asString(), "completed");
        JsonNode depth = item.get("results").get("depth");
        assertThat(depth.get("width").asInt()).isEqualTo(640);
        assertThat(depth.get("height").asInt()).isEqualTo(480);
        assertThat(depth.get("model").asString()).isEqualTo("row-depth.pt");
        assertThat(item.get("results").propertyNames()).contains("thumbnail", "blur", "low-quality", "depth");

        Mat map = download(alice, upload.json().get("mediaItemId").asString(), depth);
        assertThat(map.cols()).isEqualTo(640);
        assertThat(map.rows()).isEqualTo(480);
        assertThat(Media.rowMean(map, 0)).isLessThan(Media.rowMean(map, 240));
        assertThat(Media.rowMean(map, 240)).isLessThan(Media.rowMean(map, 479));
        assertThat(Media.rowMean(map, 479)).isGreaterThan(60_000);
    }

    @Test
    void aVideoGetsTheDepthOfItsFrame(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        ApiClient.Response upload = alice.upload("clip.mp4", Media.mp4(tmp.resolve("clip.mp4"), 320, 240, 25),
                Map.of("operations", "depth"));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        JsonNode item = PipelineIT.awaitStatus(alice, upload.json().get("queueId").asString(), "completed");
        assertThat(item.get("results").propertyNames()).containsExactly("depth");
        Mat map = download(alice, upload.json().get("mediaItemId").asString(), item.get("results").get("depth"));
        assertThat(map.cols()).isEqualTo(320);
        assertThat(map.rows()).isEqualTo(240);
        assertThat(Media.rowMean(map, 0)).isLessThan(Media.rowMean(map, 239));
    }

    @Test
    void aPortraitByExifGivesAPortraitDepthMap(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        ApiClient.Response upload = alice.upload("portrait.jpg", Media.exifRotatedJpeg(tmp.resolve("p.jpg"), 400, 300),
                Map.of("operations", "depth,thumbnail"));
        JsonNode item = PipelineIT.awaitStatus(alice, upload.json().get("queueId").asString(), "completed");
        Mat map = download(alice, upload.json().get("mediaItemId").asString(), item.get("results").get("depth"));
        assertThat(map.cols()).isEqualTo(300);
        assertThat(map.rows()).isEqualTo(400);
        assertThat(item.get("results").get("thumbnail").get("height").asInt()).isEqualTo(320);
        assertThat(item.get("results").get("thumbnail").get("width").asInt()).isEqualTo(240);
    }

    @Test
    void theAiServiceReportsTheLoadedModel(Stack stack) throws Exception {
        ApiClient.Response health = stack.client("dev-alice-key").get("/api/ai/health");
        assertThat(health.status()).as(health.text()).isEqualTo(200);
        assertThat(health.json().get("model_status").asString()).isEqualTo("loaded");
        assertThat(health.json().get("device").asString()).isEqualTo("cpu");
        assertThat(health.json().get("model").asString()).isEqualTo("row-depth.pt");
        ApiClient.Response info = stack.client("dev-alice-key").get("/api/ai/info");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().has("endpoints")).isTrue();
    }

    private static Mat download(ApiClient client, String mediaItemId, JsonNode result) throws Exception {
        assertThat(result.get("url").asString()).isEqualTo("/api/media/" + mediaItemId + "/variants/depth");
        ApiClient.Response r = client.get(result.get("url").asString());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("image/png"));
        assertThat((long) r.body().length).isEqualTo(result.get("bytes").asLong());
        return Media.gray16(r.body());
    }
}
