package dev.mediaflow.gateway.support;

import dev.mediaflow.testsupport.RabbitVhost;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One gateway on a random port for all broker-up integration tests: its own RabbitMQ vhost and
 * storage root, a 1 MB upload limit, and no queue-service (a closed port).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
public abstract class GatewayIntegrationTest {

    public static final String ALICE = "dev-alice-key";
    public static final String BOB = "dev-bob-key";
    public static final String ADMIN = "dev-admin-key";
    public static final long MAX_UPLOAD = 1_000_000;
    public static final long DIRECT_WRITE_MIN_BYTES = 256 * 1024;
    public static final String EVENTS_PROBE = "gateway-test.job-submitted";

    protected static final RabbitVhost VHOST = deletedAtExit(RabbitVhost.create("mf-gateway-test"));
    protected static final Path STORAGE = TestFiles.tempDirectory("mf-gateway-storage");
    protected static final int NO_QUEUE_SERVICE = TestFiles.closedPort();

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.addresses", VHOST::amqpUrl);
        registry.add("mediaflow.storage-root", STORAGE::toString);
        registry.add("mediaflow.max-upload-bytes", () -> MAX_UPLOAD);
        // uploads from 256 KiB on are written past the page cache, as those from 64 MiB on are by default
        registry.add("mediaflow.direct-write-min-bytes", () -> DIRECT_WRITE_MIN_BYTES);
        registry.add("mediaflow.spool-interval", () -> "300ms");
        registry.add("mediaflow.queue-service-url", () -> "http://127.0.0.1:" + NO_QUEUE_SERVICE);
    }

    @Autowired
    protected WebTestClient client;
    @Autowired
    protected RabbitTemplate rabbit;
    @Autowired
    protected AmqpAdmin amqpAdmin;

    @BeforeEach
    void emptyQueues() {
        rabbit.execute(channel -> null);
        Queue probe = new Queue(EVENTS_PROBE, false, false, false);
        amqpAdmin.declareQueue(probe);
        amqpAdmin.declareBinding(BindingBuilder.bind(probe).to(new TopicExchange(Topology.EVENTS_EXCHANGE))
                .with("job.submitted"));
        for (String queue : List.of(EVENTS_PROBE, WorkerKind.IMAGE.queue(), WorkerKind.VISION.queue())) {
            amqpAdmin.purgeQueue(queue, false);
        }
    }

    protected WebTestClient.ResponseSpec upload(String key, Multipart multipart) {
        return client.post().uri("/api/media/upload")
                .header("X-API-Key", key)
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(multipart.parts()))
                .exchange();
    }

    /** The first message on a queue whose JSON body, read as {@code type}, satisfies {@code match}. */
    protected <T> Received<T> awaitMessage(String queue, Class<T> type, Predicate<T> match) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        List<T> skipped = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            Message message = rabbit.receive(queue, 500);
            if (message == null) {
                continue;
            }
            T body = Json.read(message.getBody(), type);
            if (match.test(body)) {
                return new Received<>(body, message);
            }
            skipped.add(body);
        }
        throw new AssertionError("no matching message on " + queue + " within 10 s; skipped " + skipped);
    }

    public record Received<T>(T body, Message message) {
    }

    /** The contexts sharing it close at the end of the run, so the vhost goes when the JVM exits. */
    private static RabbitVhost deletedAtExit(RabbitVhost vhost) {
        Runtime.getRuntime().addShutdownHook(new Thread(vhost::close));
        return vhost;
    }
}
