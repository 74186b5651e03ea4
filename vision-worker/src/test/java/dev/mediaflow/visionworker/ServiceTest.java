package dev.mediaflow.visionworker;

import dev.mediaflow.testsupport.RabbitVhost;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.Ordered;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;
import org.springframework.test.context.TestExecutionListeners;

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
