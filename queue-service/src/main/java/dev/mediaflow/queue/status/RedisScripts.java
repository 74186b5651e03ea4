package dev.mediaflow.queue.status;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts under {@code src/main/resources/redis}, read once when their class loads.
 *
 * <p>Why not {@code RedisScript.of(Resource)}: a script made from a resource asks that resource whether it was
 * modified on every call (to recompute its SHA-1), and a resource inside the jar is not a file, so each call also
 * built and threw a {@code FileNotFoundException} with its stack trace: 1.3 % of queue-service's CPU while it
 * applied a backlog of status events (docs/performance.md, section 3). A script in the jar never changes.
 */
public final class RedisScripts {

    private RedisScripts() {
    }

    /** @param path under the classpath, e.g. {@code redis/write-job-snapshot.lua} */
    public static <T> RedisScript<T> fromClasspath(String path, Class<T> resultType) {
        try (InputStream in = new ClassPathResource(path).getInputStream()) {
            return RedisScript.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Redis script " + path, e);
        }
    }
}
