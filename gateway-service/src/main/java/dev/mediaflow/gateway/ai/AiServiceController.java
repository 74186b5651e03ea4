package dev.mediaflow.gateway.ai;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.http.InternalSignature;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.channel.ChannelOption;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "AI service" of the ImmichVR seed: the vision worker's {@code /health} and {@code /info},
 * behind a circuit breaker, each call signed with the caller's identity (the worker answers only the gateway). While the worker is down, health answers 503 in its usual shape.
 */
@RestController
class AiServiceController {

    static final String BREAKER = "visionWorker";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** the down answer keeps the shape of the up one, null fields included */
    private static final JsonMapper KEEP_NULLS = JsonMapper.builder().build();

    private final WebClient client;
    private final CircuitBreaker breaker;
    private final InternalSignature signature;
    private final String baseUrl;

    AiServiceController(GatewayProperties properties, CircuitBreakerRegistry breakers, InternalSignature signature) {
        this.signature = signature;
        this.baseUrl = properties.visionWorkerUrl().toString().replaceAll("/+$", "");
        HttpClient http = HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000).responseTimeout(TIMEOUT);
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .build();
        this.breaker = breakers.circuitBreaker(BREAKER);
    }

    @GetMapping("/api/ai/health")
    Mono<ResponseEntity<String>> health(Authentication authentication) {
        return relay("/health", (Caller) authentication.getPrincipal()).onErrorResume(e -> Mono.just(json(HttpStatus.SERVICE_UNAVAILABLE, down(e))));
    }

    @GetMapping("/api/ai/info")
    Mono<ResponseEntity<String>> info(Authentication authentication) {
        return relay("/info", (Caller) authentication.getPrincipal()).onErrorResume(e -> Mono.just(json(HttpStatus.SERVICE_UNAVAILABLE,
                Map.of("error", "vision_worker_unavailable", "message", "the vision worker is unreachable: " + reason(e)))));
    }

    /** Passes the worker's answer on as it is, 503 with a failed model included. */
    private Mono<ResponseEntity<String>> relay(String path, Caller caller) {
        java.net.URI target = java.net.URI.create(baseUrl + path);
        return client.get().uri(target)
                .headers(headers -> signature.sign(caller.owner(), caller.role(), "GET",
                        InternalSignature.pathAndQuery(target)).forEach(headers::set))
                .retrieve()
                .onStatus(status -> true, response -> Mono.empty())
                .toEntity(String.class)
                .timeout(TIMEOUT)
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .map(entity -> ResponseEntity.status(entity.getStatusCode())
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(entity.getBody() == null ? "{}" : entity.getBody()));
    }

    private static Map<String, Object> down(Throwable e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "unhealthy");
        body.put("service", "vision-worker");
        body.put("model", null);
        body.put("model_status", "failed");
        body.put("device", null);
        body.put("message", "the vision worker is unreachable: " + reason(e));
        return body;
    }

    private static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static ResponseEntity<String> json(HttpStatus status, Map<String, Object> body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(KEEP_NULLS.writeValueAsString(body));
    }
}
