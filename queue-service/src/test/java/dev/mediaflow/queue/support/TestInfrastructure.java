package dev.mediaflow.queue.support;

import dev.mediaflow.testsupport.PostgresDatabase;
import dev.mediaflow.testsupport.RabbitVhost;
import dev.mediaflow.testsupport.RedisPrefix;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/**
 * One private PostgreSQL database, RabbitMQ vhost and Redis key prefix for this test run, created
 * on first use and removed when the run ends (after the Spring contexts that use them are closed).
 */
public final class TestInfrastructure implements AutoCloseable {

    private static TestInfrastructure instance;

    public final String redisPrefix;
    private final RedisPrefix redis = RedisPrefix.create("mediaflow-qs-test");
    private final PostgresDatabase database;
    private final RabbitVhost vhost;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    private TestInfrastructure() {
        redisPrefix = redis.value();
        database = PostgresDatabase.create("mediaflow_qs_test");
        try {
            vhost = RabbitVhost.create("mediaflow-qs-test");
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public static synchronized TestInfrastructure get() {
        if (instance == null) {
            instance = new TestInfrastructure();
        }
        return instance;
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    public String rabbitUrl() {
        return vhost.amqpUrl();
    }

    public synchronized void track(ConfigurableApplicationContext context) {
        if (!contexts.contains(context)) {
            contexts.add(context);
        }
    }

    @Override
    public synchronized void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
        contexts.clear();
        try {
            database.close();
        } finally {
            try {
                vhost.close();
            } finally {
                redis.close();
            }
        }
    }

    /** Registers the infrastructure with the run, so it is removed once every test class finished. */
    public static final class Extension implements BeforeAllCallback {

        @Override
        public void beforeAll(ExtensionContext context) {
            context.getRoot().getStore(ExtensionContext.Namespace.create(TestInfrastructure.class))
                    .computeIfAbsent("infrastructure", key -> TestInfrastructure.get(), TestInfrastructure.class);
        }
    }
}
