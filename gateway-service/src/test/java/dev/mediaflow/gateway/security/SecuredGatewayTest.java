package dev.mediaflow.gateway.security;

import dev.mediaflow.gateway.support.TestFiles;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Path;

/**
 * One real gateway on a random port whose queue-service and vision worker are an {@link InternalServicesStub}
 * that accepts only correctly signed calls; debug logging is on for security and the project, so the log
 * tests see everything that could leak. Shared by the security tests (one context).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "mediaflow.internal-token=" + SecuredGatewayTest.TOKEN,
        "mediaflow.spool-interval=1h",
        // the matrix sends hundreds of refused and allowed calls from one address; the failed-key and per-key
        // limits would answer 429 long before it is through (they have their own tests: TightLimitsTest)
        "mediaflow.auth-failure-limit=1000000",
        "mediaflow.rate-limit=1000000",
        "logging.level.org.springframework.security=TRACE",
        "logging.level.org.springframework.web=DEBUG",
        "logging.level.dev.mediaflow=DEBUG"})
@AutoConfigureWebTestClient(timeout = "30s")
abstract class SecuredGatewayTest {

    static final String TOKEN = "gateway-security-test-token-0123456789abcdef";
    static final String ALICE = "dev-alice-key";
    static final String BOB = "dev-bob-key";
    static final String ADMIN = "dev-admin-key";
    static final InternalServicesStub INTERNAL = InternalServicesStub.start(TOKEN);
    static final Path STORAGE = TestFiles.tempDirectory("mf-gateway-security");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("mediaflow.queue-service-url", INTERNAL::url);
        registry.add("mediaflow.vision-worker-url", INTERNAL::url);
        registry.add("mediaflow.storage-root", STORAGE::toString);
        registry.add("spring.rabbitmq.addresses", () -> "amqp://guest:guest@127.0.0.1:" + TestFiles.closedPort());
    }

    @Autowired
    protected WebTestClient client;
}
