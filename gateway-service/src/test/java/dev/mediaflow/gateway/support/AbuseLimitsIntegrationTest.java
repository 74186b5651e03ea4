package dev.mediaflow.gateway.support;

import dev.mediaflow.testsupport.RabbitVhost;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import java.nio.file.Path;

/**
 * One gateway with small abuse limits for the tests of issue 12 section 5 and the stream limits of
 * section 3: a real RabbitMQ vhost, a stand-in queue-service (live streams, per-owner stats), a
 * 1 MB upload limit, 2 s body idle timeout and 6 s body time limit, 3 jobs in flight per owner,
 * 20 streams per owner, the owner's count of jobs in flight read anew for every request. The rate limit and the streams' lifetime stay at their defaults (50/s, 10 min).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
// each test sets the stand-in's counts as it needs them: none may see a count remembered from another (a subclass's
// own @TestPropertySource may set it again)
@TestPropertySource(properties = "mediaflow.inflight-count-ttl=0s")
public abstract class AbuseLimitsIntegrationTest {

    public static final String ALICE = "dev-alice-key";
    public static final String BOB = "dev-bob-key";
    public static final String ADMIN = "dev-admin-key";
    public static final long MAX_UPLOAD = 1_000_000;
    public static final int MAX_INFLIGHT = 3;
    public static final int STREAMS_PER_OWNER = 20;

    protected static final RabbitVhost VHOST = RabbitVhost.create("mf-gateway-abuse");
    protected static final Path STORAGE = TestFiles.tempDirectory("mf-gateway-abuse");
    protected static final StandInQueueService QUEUE_SERVICE = StandInQueueService.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            QUEUE_SERVICE.close();
            VHOST.close();
        }));
    }

    @DynamicPropertySource
    static void abuseLimits(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.addresses", VHOST::amqpUrl);
        registry.add("mediaflow.storage-root", STORAGE::toString);
        registry.add("mediaflow.max-upload-bytes", () -> MAX_UPLOAD);
        registry.add("mediaflow.spool-interval", () -> "1h");
        registry.add("mediaflow.queue-service-url", QUEUE_SERVICE::url);
        registry.add("mediaflow.max-inflight-per-owner", () -> MAX_INFLIGHT);
        registry.add("mediaflow.max-streams-per-owner", () -> STREAMS_PER_OWNER);
        registry.add("mediaflow.upload-idle-timeout", () -> "2s");
        registry.add("mediaflow.upload-time-limit", () -> "6s");
    }

    @Autowired
    protected WebTestClient client;
    @Value("${local.server.port}")
    protected int port;

    protected WebTestClient.ResponseSpec upload(String key, Multipart multipart) {
        return client.post().uri("/api/media/upload")
                .header("X-API-Key", key)
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(multipart.parts()))
                .exchange();
    }

    /** Nothing of any upload left behind in tmp/ (refused uploads must leave no byte). */
    protected static java.util.List<Path> tempFiles() {
        return TestFiles.filesUnder(STORAGE.resolve("tmp"));
    }
}
