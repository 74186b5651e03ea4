package dev.mediaflow.queue.support;

import dev.mediaflow.messages.RedisKeys;
import io.r2dbc.spi.Connection;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reads of many jobs at once, for the tests of the set-based bulk actions ({@code SetBasedCancelTest},
 * {@code SetBasedRetryTest}): the jobs' rows, their tasks, their statuses and their Redis snapshots.
 */
public final class ProjectRows {

    private static final Duration LONG = Duration.ofSeconds(120);

    private ProjectRows() {
    }

    /** Each job's row: what a bulk action may change, and its version and times. */
    public static Map<UUID, Map<String, Object>> jobRows(DatabaseClient db, List<UUID> ids) {
        Map<UUID, Map<String, Object>> rows = new HashMap<>();
        db.sql("""
                        SELECT id, status, run, attempts, last_error, version, started_at, completed_at, duration_ms,
                               updated_at
                        FROM jobs WHERE id = ANY(CAST(:ids AS uuid[]))""")
                .bind("ids", ids.toArray(UUID[]::new))
                .fetch().all()
                .doOnNext(row -> rows.put((UUID) row.get("id"), row))
                .blockLast(LONG);
        return rows;
    }

    public static List<Map<String, Object>> tasks(DatabaseClient db, List<UUID> ids) {
        return db.sql("SELECT * FROM tasks WHERE job_id = ANY(CAST(:ids AS uuid[])) ORDER BY job_id, worker")
                .bind("ids", ids.toArray(UUID[]::new))
                .fetch().all().collectList().block(LONG);
    }

    public static Set<String> statuses(DatabaseClient db, List<UUID> ids) {
        return db.sql("SELECT DISTINCT status FROM jobs WHERE id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", ids.toArray(UUID[]::new))
                .mapValue(String.class).all().collect(Collectors.toSet()).block(LONG);
    }

    /** Each job's Redis snapshot: status, version, pending, progress. */
    public static Map<UUID, List<String>> snapshots(ReactiveStringRedisTemplate redis, RedisKeys keys, List<UUID> ids) {
        return Flux.fromIterable(ids)
                .flatMap(id -> redis.<String, String>opsForHash()
                        .multiGet(keys.job(id), List.of("status", "version", "pending", "progress"))
                        .map(values -> Map.entry(id, values)), 64)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .block(LONG);
    }

    /** Runs a statement on a connection of the test's own (a transaction that holds rows meanwhile). */
    public static void run(Connection connection, String sql) {
        Flux.from(connection.createStatement(sql).execute()).flatMap(r -> r.flatMap(segment -> Mono.just(1)))
                .blockLast(LONG);
    }

    @SafeVarargs
    public static List<UUID> concat(List<UUID>... lists) {
        List<UUID> all = new ArrayList<>();
        for (List<UUID> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
