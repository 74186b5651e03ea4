package dev.mediaflow.gateway.health;

import dev.mediaflow.gateway.config.GatewayProperties;
import io.netty.channel.ChannelOption;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health}: the gateway and what it depends on, each "up" or "down". Redis and PostgreSQL
 * are queue-service's; their state is read from its actuator health. "unhealthy" means uploads
 * cannot be stored at all; "degraded" means something is down but uploads are still accepted
 * (into the spool while the broker is away).
 * <p>
 * Both routes need no key, so they answer from one cached probe: at most one round of dependency checks per
 * {@link #PROBE_INTERVAL}, however many clients ask (concurrent callers share the probe in flight). Without
 * this, anyone could turn a flood of {@code /health} calls into broker connections and calls to every service.
 */
@RestController
class GatewayHealthController {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private final ConnectionFactory rabbit;
    private final GatewayProperties properties;
    private final WebClient http;
    private final Mono<HealthView> cachedProbe;

    GatewayHealthController(ConnectionFactory rabbit, GatewayProperties properties) {
        this.rabbit = rabbit;
        this.properties = properties;
        this.http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(
                HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000).responseTimeout(TIMEOUT))).build();
        this.cachedProbe = Mono.defer(this::probe).cache(PROBE_INTERVAL);
    }

    record HealthView(String status, String service, Map<String, String> dependencies) {
    }

    @GetMapping("/health")
    Mono<ResponseEntity<HealthView>> health() {
        return check().map(view -> ResponseEntity.status(view.status().equals("unhealthy")
                ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK).body(view));
    }

    @GetMapping("/health/ready")
    Mono<ResponseEntity<Map<String, String>>> ready() {
        return check().map(view -> view.status().equals("unhealthy")
                ? ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("status", "not ready"))
                : ResponseEntity.ok(Map.of("status", "ready")));
    }

    private Mono<HealthView> check() {
        return cachedProbe;
    }

    private Mono<HealthView> probe() {
        Mono<Boolean> broker = Mono.fromCallable(this::brokerUp).subscribeOn(Schedulers.boundedElastic())
                .timeout(TIMEOUT).onErrorReturn(false);
        Mono<JsonNode> queueService = actuatorHealth(properties.queueServiceUrl().toString());
        Mono<JsonNode> visionWorker = actuatorHealth(properties.visionWorkerUrl().toString());
        return Mono.zip(broker, queueService, visionWorker).map(all -> {
            JsonNode queue = all.getT2();
            Map<String, String> deps = new LinkedHashMap<>();
            deps.put("rabbitmq", upDown(all.getT1()));
            deps.put("redis", upDown(component(queue, "redis")));
            deps.put("postgres", upDown(component(queue, "r2dbc")));
            deps.put("queue-service", upDown(isUp(queue)));
            deps.put("vision-worker", upDown(isUp(all.getT3())));
            String status = !storageWritable() ? "unhealthy"
                    : deps.values().stream().allMatch("up"::equals) ? "healthy" : "degraded";
            return new HealthView(status, "gateway", deps);
        });
    }

    private boolean brokerUp() {
        try (Connection connection = rabbit.createConnection()) {
            return connection.isOpen();
        }
    }

    private boolean storageWritable() {
        return Files.isDirectory(properties.storageRoot()) && Files.isWritable(properties.storageRoot());
    }

    /** The actuator body even on 503 (it says which component is down); a missing node when unreachable. */
    private Mono<JsonNode> actuatorHealth(String baseUrl) {
        return http.get().uri(baseUrl.replaceAll("/+$", "") + "/actuator/health").retrieve()
                .onStatus(status -> true, response -> Mono.empty())
                .bodyToMono(JsonNode.class)
                .timeout(TIMEOUT)
                .onErrorResume(e -> Mono.just(tools.jackson.databind.node.MissingNode.getInstance()));
    }

    private static boolean isUp(JsonNode health) {
        return "UP".equals(health.path("status").asString(""));
    }

    private static boolean component(JsonNode health, String name) {
        return "UP".equals(health.path("components").path(name).path("status").asString(""));
    }

    private static String upDown(boolean up) {
        return up ? "up" : "down";
    }
}
