package dev.mediaflow.testsupport;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;

import java.util.UUID;

/** A key prefix of its own on the local Redis; close() deletes every key under it. */
public final class RedisPrefix implements AutoCloseable {

    private static final String URL = "redis://127.0.0.1:6379";

    private final String prefix;

    private RedisPrefix(String prefix) {
        this.prefix = prefix;
    }

    /** {@code <name>-<random>:} */
    public static RedisPrefix create(String name) {
        return new RedisPrefix(name + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + ":");
    }

    public String value() {
        return prefix;
    }

    @Override
    public void close() {
        RedisClient client = RedisClient.create(URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    connection.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }
}
