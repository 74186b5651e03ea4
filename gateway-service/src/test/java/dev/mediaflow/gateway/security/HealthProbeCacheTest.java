package dev.mediaflow.gateway.security;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, section 5: the unauthenticated /health answers from a cached probe. A flood of concurrent calls
 * over a few seconds costs at most about one round of dependency checks per second (counted at the stand-in
 * queue-service, which the probe asks for its actuator health), not one per call.
 */
class HealthProbeCacheTest extends SecuredGatewayTest {

    @org.springframework.beans.factory.annotation.Value("${local.server.port}")
    int port;

    @Test
    void manyConcurrentHealthCallsMakeAboutOneProbePerSecond() {
        WebClient http = WebClient.create("http://127.0.0.1:" + port);
        http.get().uri("/health").retrieve().toBodilessEntity().block(Duration.ofSeconds(30)); // warm up
        int before = INTERNAL.healthProbes.get();
        long started = System.nanoTime();
        // 4 waves of 100 concurrent calls, 0.5 s apart: 400 calls in about 2 s
        List<HttpStatus> statuses = Flux.range(0, 4)
                .concatMap(wave -> Flux.range(0, 100)
                        .flatMap(i -> http.get().uri("/health").retrieve().toBodilessEntity(), 100)
                        .map(response -> HttpStatus.valueOf(response.getStatusCode().value()))
                        .concatWith(Flux.<HttpStatus>empty().delaySubscription(Duration.ofMillis(500))))
                .collectList().block(Duration.ofSeconds(120));
        double seconds = (System.nanoTime() - started) / 1e9;
        int probes = INTERNAL.healthProbes.get() - before;

        assertThat(statuses).hasSize(400).allMatch(HttpStatus.OK::equals);
        // each probe asks queue-service and the vision worker (both this stand-in): 2 hits per probe round
        assertThat(probes / 2).as("%d probe rounds for 400 calls in %.1f s", probes / 2, seconds)
                .isLessThanOrEqualTo((int) Math.ceil(seconds) + 1);
    }
}
