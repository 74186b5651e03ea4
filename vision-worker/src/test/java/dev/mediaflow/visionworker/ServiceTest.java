package dev.mediaflow.visionworker;

import dev.mediaflow.http.CallerRole;
import dev.mediaflow.http.InternalSignature;
import dev.mediaflow.testsupport.RabbitVhost;
import dev.mediaflow.visionworker.depth.TestPictures;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.Ordered;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;
import org.springframework.test.context.TestExecutionListeners;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Path;
import java.util.UUID;

/**
 * The whole application on a random port with its own RabbitMQ vhost and Redis prefix. The context is closed
 * after the class, then the vhost is deleted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@DirtiesContext
@TestExecutionListeners(listeners = ServiceTest.DeleteVhost.class,
        mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
public abstract class ServiceTest {

    /** This worker's internal token: only calls signed with it are answered outside /health and /actuator. */
    protected static final InternalSignature GATEWAY = new InternalSignature("vision-worker-test-token-0123456789abcdef");
    private static final String TOKEN = "vision-worker-test-token-0123456789abcdef";

    private static RabbitVhost broker;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.addresses", () -> {
            if (broker == null) {
                broker = RabbitVhost.create("mediaflow-vision-test");
            }
            return broker.amqpUrl();
        });
        registry.add("mediaflow.redis-prefix", () -> "test-" + UUID.randomUUID() + ":");
        registry.add("mediaflow.internal-token", () -> TOKEN);
    }

    /** The shipped test model ({@link TestPictures#rowDepthModel}) on the CPU, and a storage root of the test's own. */
    protected static void rowDepthModelOnCpu(DynamicPropertyRegistry registry, Path storage) {
        registry.add("mediaflow.depth.model", () -> TestPictures.rowDepthModel().toUri().toString());
        registry.add("mediaflow.device", () -> "cpu");
        registry.add("mediaflow.storage-root", storage::toString);
    }

    /** A GET as the gateway makes it: signed for {@code path} with this run's token. */
    protected static WebTestClient.RequestHeadersSpec<?> signedGet(WebTestClient client, String path) {
        return client.get().uri(path).headers(h -> GATEWAY.sign("alice", CallerRole.USER, "GET", path).forEach(h::set));
    }

    /** Runs after the context is closed (lowest order = last in afterTestClass). */
    static class DeleteVhost implements TestExecutionListener, Ordered {

        @Override
        public void afterTestClass(TestContext testContext) {
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
