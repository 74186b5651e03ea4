package dev.mediaflow.queue.support;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A full queue-service on a random port, against this run's own database, vhost and Redis prefix. Priority aging
 * is off (the tests' jobs carry fixed times months old, so every waiting one would be aged at once, and its copies
 * would mix with the messages a test waits for); {@code PriorityAgingTest} turns it on for itself.
 */
@ExtendWith(TestInfrastructure.Extension.class)
@TestPropertySource(properties = "mediaflow.priority-aging=0s")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
public abstract class IntegrationTest {

    @Autowired
    private ConfigurableApplicationContext context;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure infra = TestInfrastructure.get();
        registry.add("spring.flyway.url", infra::jdbcUrl);
        registry.add("spring.rabbitmq.addresses", infra::rabbitUrl);
        registry.add("mediaflow.redis-prefix", () -> infra.redisPrefix);
        registry.add("mediaflow.retry-delays", () -> "1s");
        registry.add("mediaflow.internal-token", () -> SignedCalls.TOKEN);
    }

    @BeforeEach
    void trackContext() {
        TestInfrastructure.get().track(context);
    }
}
