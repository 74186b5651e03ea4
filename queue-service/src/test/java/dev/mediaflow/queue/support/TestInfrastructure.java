package dev.mediaflow.queue.support;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * One private PostgreSQL database, RabbitMQ vhost and Redis key prefix for this test run, created
 * on first use and removed when the run ends (after the Spring contexts that use them are closed).
 */
public final class TestInfrastructure implements AutoCloseable {

    private static final String PG_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/mediaflow";
    private static final String PG_USER = "mediaflow";
    private static final String PG_PASSWORD = "mediaflow";
    private static final String RABBIT_API = "http://127.0.0.1:15672/api";
    private static final String REDIS_URL = "redis://127.0.0.1:6379";

    private static TestInfrastructure instance;

    public final String runId;
    public final String database;
    public final String vhost;
    public final String redisPrefix;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    private TestInfrastructure() {
        runId = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        database = "mediaflow_qs_test_" + runId;
        vhost = "mediaflow-qs-test-" + runId;
        redisPrefix = "mediaflow-qs-test:" + runId + ":";
    }

    public static synchronized TestInfrastructure get() {
        if (instance == null) {
            TestInfrastructure infra = new TestInfrastructure();
            infra.create();
            instance = infra;
        }
        return instance;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/" + database;
    }

    public String rabbitUrl() {
        return "amqp://guest:guest@127.0.0.1:5672/" + vhost;
    }

    public synchronized void track(ConfigurableApplicationContext context) {
        if (!contexts.contains(context)) {
            contexts.add(context);
        }
    }

    private void create() {
        sql("CREATE DATABASE " + database);
        try {
            rabbit("PUT", "/vhosts/" + encode(vhost), "{}");
            rabbit("PUT", "/permissions/" + encode(vhost) + "/guest",
                    "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        } catch (RuntimeException e) {
            sql("DROP DATABASE IF EXISTS " + database);
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
        contexts.clear();
        try {
            sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } finally {
            try {
                rabbit("DELETE", "/vhosts/" + encode(vhost), null);
            } finally {
                deleteRedisKeys();
            }
        }
    }

    private static void sql(String statement) {
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, PG_USER, PG_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL: " + statement + " failed", e);
        }
    }

    private static void rabbit(String method, String path, String json) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RABBIT_API + path))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json");
            request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(response.statusCode() + " " + response.body());
            }
        } catch (Exception e) {
            throw new IllegalStateException("RabbitMQ management: " + method + " " + path + " failed", e);
        }
    }

    private void deleteRedisKeys() {
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.matches(redisPrefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    connection.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
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
