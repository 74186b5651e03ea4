package dev.mediaflow.imageworker.support;

import dev.mediaflow.testsupport.RabbitVhost;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.nio.file.Path;
import java.util.UUID;

/** What a whole image worker under test runs against: its own vhost, Redis key prefix and storage root. */
public final class WorkerTestProperties {

    private WorkerTestProperties() {
    }

    public static void register(DynamicPropertyRegistry registry, RabbitVhost broker, Path storage) {
        registry.add("spring.rabbitmq.addresses", broker::amqpUrl);
        registry.add("mediaflow.redis-prefix", () -> "test-" + UUID.randomUUID() + ":");
        registry.add("mediaflow.storage-root", storage::toString);
        registry.add("mediaflow.internal-token", () -> "image-worker-test-token-0123456789abcdef");
        registry.add("server.port", () -> "0");
    }
}
