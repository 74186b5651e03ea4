package dev.mediaflow.system;

import dev.mediaflow.http.CallerRole;
import dev.mediaflow.http.InternalSignature;
import dev.mediaflow.http.MediaflowHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, section 1 against the four real processes: queue-service and the workers answer only the
 * gateway. Forged identity headers, a stale signature and a signature for another path all get 401, while
 * the same calls through the gateway work, and actuator health stays open without details.
 */
@ExtendWith(StackExtension.class)
class InternalPortsIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(String method, String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void forgedIdentityHeadersStraightToQueueServiceGet401AndPauseNothing(Stack stack) throws Exception {
        Map<String, String> forged = Map.of(MediaflowHeaders.OWNER, "x", MediaflowHeaders.ROLE, "admin");
        HttpResponse<String> items = send("GET", stack.queueService.url() + "/api/queue/items", forged);
        assertThat(items.statusCode()).isEqualTo(401);
        assertThat(items.body()).contains("\"error\":\"unauthorized\"");
        assertThat(send("POST", stack.queueService.url() + "/api/queue/worker/stop", forged).statusCode())
                .isEqualTo(401);
        assertThat(stack.client("dev-admin-key").get("/api/queue/worker/status").body())
                .asString().doesNotContain("\"state\":\"paused\"");
        // the gateway's own calls still work
        assertThat(stack.client("dev-admin-key").get("/api/queue/items").status()).isEqualTo(200);
    }

    @Test
    void aStaleOrMisdirectedSignatureIsRefusedByEveryInternalService(Stack stack) throws Exception {
        InternalSignature gateway = new InternalSignature(stack.internalToken);
        long twoMinutesAgo = Instant.now().getEpochSecond() - 120;
        Map<String, String> stale = gateway.signAt("x", CallerRole.ADMIN, "GET", "/api/queue/items", twoMinutesAgo);
        assertThat(send("GET", stack.queueService.url() + "/api/queue/items", stale).statusCode()).isEqualTo(401);
        Map<String, String> forItems = gateway.sign("x", CallerRole.ADMIN, "POST", "/api/queue/items");
        assertThat(send("POST", stack.queueService.url() + "/api/queue/worker/stop", forItems).statusCode())
                .isEqualTo(401);
        Map<String, String> fresh = gateway.sign("x", CallerRole.ADMIN, "GET", "/api/queue/items");
        assertThat(send("GET", stack.queueService.url() + "/api/queue/items", fresh).statusCode()).isEqualTo(200);

        Map<String, String> staleInfo = gateway.signAt("x", CallerRole.ADMIN, "GET", "/info", twoMinutesAgo);
        assertThat(send("GET", stack.visionWorker.url() + "/info", staleInfo).statusCode()).isEqualTo(401);
        assertThat(send("GET", stack.visionWorker.url() + "/info",
                gateway.sign("x", CallerRole.ADMIN, "GET", "/health")).statusCode()).isEqualTo(401);
        assertThat(stack.client("dev-alice-key").get("/api/ai/info").status()).isEqualTo(200);
    }

    @Test
    void workerPortsRefuseForgedHeadersAndShowHealthWithoutDetails(Stack stack) throws Exception {
        Map<String, String> forged = Map.of(MediaflowHeaders.OWNER, "x", MediaflowHeaders.ROLE, "admin");
        for (ServiceProcess worker : List.of(stack.imageWorker, stack.visionWorker)) {
            assertThat(send("GET", worker.url() + "/info", forged).statusCode()).as(worker.name).isEqualTo(401);
            assertThat(send("GET", worker.url() + "/actuator/env", forged).statusCode()).as(worker.name)
                    .isIn(401, 404);
            HttpResponse<String> health = send("GET", worker.url() + "/actuator/health", Map.of());
            assertThat(health.statusCode()).as(worker.name).isEqualTo(200);
            assertThat(health.body()).as(worker.name).contains("\"status\":\"UP\"")
                    .doesNotContain("details").doesNotContain(stack.storage.toString()).doesNotContain("127.0.0.1");
        }
    }
}
