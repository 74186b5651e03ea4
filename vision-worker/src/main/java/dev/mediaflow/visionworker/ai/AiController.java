package dev.mediaflow.visionworker.ai;

import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import dev.mediaflow.visionworker.depth.ModelStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/** The "AI service" endpoints: health of the depth model (200 only when loaded) and what this service does. */
@RestController
public class AiController {

    private final DepthEstimator estimator;
    private final String version;

    public AiController(DepthEstimator estimator, @Value("${info.app.version:unknown}") String version) {
        this.estimator = estimator;
        this.version = version;
    }

    @GetMapping("/health")
    public ResponseEntity<AiHealth> health() {
        ModelStatus status = estimator.status();
        return ResponseEntity.status(status.loaded() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(AiHealth.of(status));
    }

    @GetMapping("/info")
    public AiInfo info() {
        ModelStatus status = estimator.status();
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("health", "GET /health");
        endpoints.put("info", "GET /info");
        endpoints.put("depth", "tasks with operation 'depth' from RabbitMQ queue " + WorkerKind.VISION.queue()
                + " (upload: POST /api/media/upload on the gateway)");
        endpoints.put("metrics", "GET /actuator/prometheus");
        return new AiInfo("mediaflow vision worker: 16-bit PNG depth maps (nearer is brighter) with a TorchScript"
                + " depth model on DJL/PyTorch", version, status.model(), endpoints);
    }
}
