package dev.mediaflow.gateway.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.InternalJobsApi;
import dev.mediaflow.messages.InternalJobsApi.JobIds;
import dev.mediaflow.messages.Json;
import dev.mediaflow.testsupport.RabbitVhost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real broker, and a queue-service that lags: it answers 404 for every job until the test says
 * it recorded one (a loopback stand-in, since only its answers matter here). An accepted job must
 * never answer 404 meanwhile, however long the lag, and the gateway forgets it only once
 * queue-service knows it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class LaggingQueueServiceTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_MAP = new ParameterizedTypeReference<>() {
    };
    private static final RabbitVhost VHOST = RabbitVhost.create("mf-gateway-lag");
    private static final Path STORAGE = TestFiles.tempDirectory("mf-gateway-lag");
    private static final Set<String> RECORDED = ConcurrentHashMap.newKeySet();
    /** While set, the stand-in answers the pruner's question with 503, as a queue-service restarting would. */
    private static final AtomicBoolean AWAY = new AtomicBoolean();
    /** The job ids of every call the pruner made to ask which jobs are recorded. */
    private static final Queue<List<UUID>> ASKED = new ConcurrentLinkedQueue<>();
    private static final HttpServer QUEUE_SERVICE = startQueueService();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.addresses", VHOST::amqpUrl);
        registry.add("mediaflow.storage-root", STORAGE::toString);
        registry.add("mediaflow.queue-service-url", () -> "http://127.0.0.1:" + QUEUE_SERVICE.getAddress().getPort());
    }

    @Autowired
    WebTestClient client;
    @Autowired
    PublishedJobsPruner pruner;

    @AfterAll
    static void stop() {
        QUEUE_SERVICE.stop(0);
        VHOST.close();
    }

    @Test
    void anAcceptedJobIsShownAsQueuedWhileQueueServiceLagsAndForgottenOnceItIsRecorded() throws Exception {
        Multipart multipart = Multipart.file("lag.jpg", TestFiles.image("jpg", 80, 60), "image/jpeg");
        Map<String, Object> body = client.post().uri("/api/media/upload").header("X-API-Key", "dev-alice-key")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(multipart.parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(body).containsEntry("status", "queued");
        String jobId = (String) body.get("queueId");
        Path record = STORAGE.resolve("spool/published/" + jobId + ".json");
        assertThat(record).exists();

        // ten minutes of lag: queue-service still answers 404, the pruner keeps the record
        Files.setLastModifiedTime(record, FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
        pruner.pruneOnce();
        assertThat(record).exists();
        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo(jobId)
                .jsonPath("$.status").isEqualTo("queued");
        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", "dev-bob-key").exchange()
                .expectStatus().isNotFound();
        // a cancel cannot be decided before queue-service has the job: a clear "try again", not a 404
        client.post().uri("/api/queue/items/" + jobId + "/cancel").header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.error").isEqualTo("not_recorded_yet");

        // recorded, but queue-service is away when asked: nothing is forgotten on an answer that is no answer
        RECORDED.add(jobId);
        AWAY.set(true);
        try {
            assertThat(pruner.pruneOnce()).isZero();
            assertThat(record).exists();
        } finally {
            AWAY.set(false);
        }
        assertThat(pruner.pruneOnce()).isEqualTo(1);
        assertThat(record).doesNotExist();
    }

    @Test
    void aRoundAsksAboutAllItsJobsInOneCallAndForgetsOnlyTheRecordedOnes() throws Exception {
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Multipart multipart = Multipart.file("round-" + i + ".jpg", TestFiles.image("jpg", 80 + i, 60), "image/jpeg");
            jobIds.add((String) client.post().uri("/api/media/upload").header("X-API-Key", "dev-alice-key")
                    .contentType(MediaType.MULTIPART_FORM_DATA)
                    .body(BodyInserters.fromMultipartData(multipart.parts()))
                    .exchange()
                    .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                    .expectBody(JSON_MAP).returnResult().getResponseBody().get("queueId"));
        }
        for (String jobId : jobIds) {
            Files.setLastModifiedTime(STORAGE.resolve("spool/published/" + jobId + ".json"),
                    FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));
        }
        RECORDED.add(jobIds.get(1));
        RECORDED.add(jobIds.get(3));

        pruner.pruneOnce();

        // one call asked about all five (a background round may have asked too, never job by job)
        List<UUID> mine = jobIds.stream().map(UUID::fromString).toList();
        assertThat(ASKED).anySatisfy(asked -> assertThat(asked).containsAll(mine));
        for (int i = 0; i < jobIds.size(); i++) {
            Path record = STORAGE.resolve("spool/published/" + jobIds.get(i) + ".json");
            if (i == 1 || i == 3) {
                assertThat(record).doesNotExist();
            } else {
                assertThat(record).exists();
            }
        }
    }

    @Test
    void aJobQueueServiceNeverRecordsIsForgottenAfterTheMemoryLimit() throws Exception {
        Multipart multipart = Multipart.file("never.jpg", TestFiles.image("jpg", 80, 60), "image/jpeg");
        String jobId = (String) client.post().uri("/api/media/upload").header("X-API-Key", "dev-bob-key")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(multipart.parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody().get("queueId");
        Path record = STORAGE.resolve("spool/published/" + jobId + ".json");
        Files.setLastModifiedTime(record, FileTime.from(Instant.now().minus(Duration.ofDays(8))));

        pruner.pruneOnce();

        assertThat(record).doesNotExist();
    }

    private static HttpServer startQueueService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] request = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getPath();
                int status;
                String answer;
                if (path.equals(InternalJobsApi.RECORDED)) {
                    List<UUID> asked = Json.read(request, JobIds.class).jobIds();
                    ASKED.add(asked);
                    status = AWAY.get() ? 503 : 200;
                    answer = AWAY.get() ? "{\"error\":\"unavailable\",\"message\":\"restarting\"}"
                            : new String(Json.write(new JobIds(asked.stream()
                            .filter(id -> RECORDED.contains(id.toString())).toList())), StandardCharsets.UTF_8);
                } else {
                    boolean known = RECORDED.stream().anyMatch(id -> path.equals("/api/queue/items/" + id));
                    status = known ? 200 : 404;
                    answer = known ? "{\"id\":\"" + path.substring(path.lastIndexOf('/') + 1) + "\"}"
                            : "{\"error\":\"not_found\",\"message\":\"no such item\"}";
                }
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
