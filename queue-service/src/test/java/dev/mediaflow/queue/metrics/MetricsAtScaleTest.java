package dev.mediaflow.queue.metrics;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.testsupport.PostgresDatabase;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.flywaydb.core.Flyway;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V86 and {@link MetricsStore} over it answer exactly what the statement before it did (the aggregation
 * over every finished job and its tasks, kept below as {@link #reference}), on the real PostgreSQL: for an owner and
 * for the admin, with and without a project, for every time range and for ranges that start inside an hour. The
 * histories are random: jobs finish completed, failed or cancelled in different hours, with or without durations
 * and with either task failing; they are retried, deleted, moved to another hour, duration or project; a task's
 * outcome arrives after its job finished; and the compactor runs at random moments, so the answers are compared
 * with the markers folded, unfolded and half of each.
 */
class MetricsAtScaleTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> OWNERS = List.of("ann", "ben");
    private static final List<String> PROJECTS = Arrays.asList("p1", "p2", null);
    private static final List<String> OPERATIONS = List.of("thumbnail,blur", "thumbnail,blur,low-quality,depth",
            "depth", "blur,depth", "noop");

    private static PostgresDatabase database;
    private static DatabaseClient db;
    private static MetricsStore store;
    private static MetricHourCompactor compactor;

    @BeforeContainer
    static void database() {
        database = PostgresDatabase.create("mediaflow_metrics_test");
        Flyway.configure().dataSource(database.jdbcUrl(), PostgresDatabase.USER, PostgresDatabase.PASSWORD)
                .load().migrate();
        ConnectionFactory connections = ConnectionFactories.get("r2dbc:pool:postgresql://" + PostgresDatabase.USER + ":"
                + PostgresDatabase.PASSWORD + "@127.0.0.1:5432/" + database.name());
        db = DatabaseClient.create(connections);
        store = new MetricsStore(db);
        compactor = new MetricHourCompactor(db);
    }

    @AfterContainer
    static void drop() {
        if (database != null) {
            database.close();
        }
    }

    enum Kind { ADD, DUPLICATE, FINISH, RETRY, DELETE, MOVE, LATE_TASK, PROJECT, COMPACT, CHECK }

    /** One change of the history; {@code pick} chooses the job, the other numbers what it becomes. */
    record Step(Kind kind, int pick, int seconds, int duration, int outcome) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(Kind.ADD)),
                Tuple.of(1, Arbitraries.just(Kind.DUPLICATE)),
                Tuple.of(8, Arbitraries.just(Kind.FINISH)),
                Tuple.of(2, Arbitraries.just(Kind.RETRY)),
                Tuple.of(1, Arbitraries.just(Kind.DELETE)),
                Tuple.of(2, Arbitraries.just(Kind.MOVE)),
                Tuple.of(2, Arbitraries.just(Kind.LATE_TASK)),
                Tuple.of(1, Arbitraries.just(Kind.PROJECT)),
                Tuple.of(2, Arbitraries.just(Kind.COMPACT)),
                Tuple.of(2, Arbitraries.just(Kind.CHECK)));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 999),
                        Arbitraries.integers().between(0, 3 * 24 * 3600 - 1), Arbitraries.integers().between(-1, 90_000),
                        Arbitraries.integers().between(0, 99))
                .as(Step::new).list().ofMinSize(5).ofMaxSize(45);
    }

    @Property(tries = 40)
    void answersAsTheAggregationOverEveryJob(@ForAll("histories") List<Step> history) {
        sql("TRUNCATE jobs, tasks, media_items, job_metric_hours, job_metric_entered, job_metric_stale_hours, "
                + "job_counts, job_count_deltas").then().block(WAIT);
        List<UUID> jobs = new ArrayList<>();
        List<Instant> sinces = new ArrayList<>();
        for (Step step : history) {
            UUID job = jobs.isEmpty() ? null : jobs.get(step.pick() % jobs.size());
            Instant at = T0.plusSeconds(step.seconds()).plusMillis(step.outcome());
            switch (step.kind()) {
                case ADD -> jobs.add(add(step, false));
                case DUPLICATE -> jobs.add(add(step, true));
                case FINISH -> finish(job, step, at);
                case RETRY -> retry(job);
                case DELETE -> {
                    if (job != null) {
                        sql("DELETE FROM tasks WHERE job_id = :id").bind("id", job).then().block(WAIT);
                        sql("DELETE FROM jobs WHERE id = :id").bind("id", job).then().block(WAIT);
                        jobs.remove(job);
                    }
                }
                case MOVE -> sql("UPDATE jobs SET completed_at = :at, duration_ms = :d WHERE id = :id"
                        + " AND status IN ('completed', 'failed', 'cancelled')")
                        .bind("at", at).bind("d", duration(step)).bind("id", id(job)).then().block(WAIT);
                case LATE_TASK -> sql("UPDATE tasks SET status = :status, duration_ms = :d WHERE job_id = :id"
                        + " AND worker = :worker")
                        .bind("status", step.outcome() % 2 == 0 ? "succeeded" : "dead").bind("d", duration(step))
                        .bind("id", id(job)).bind("worker", step.seconds() % 2 == 0 ? "image" : "vision")
                        .then().block(WAIT);
                case PROJECT -> sql("UPDATE jobs SET project_id = :p WHERE id = :id")
                        .bind("p", nullable(PROJECTS.get(step.outcome() % PROJECTS.size())))
                        .bind("id", id(job)).then().block(WAIT);
                case COMPACT -> compactor.compact().block(WAIT);
                case CHECK -> {
                    sinces.add(at);
                    assertSameAnswers(sinces);
                }
            }
        }
        assertSameAnswers(sinces);
        compactor.compact().block(WAIT);
        assertSameAnswers(sinces);
        assertThat(sql("SELECT (SELECT count(*) FROM job_metric_entered) + (SELECT count(*) FROM job_metric_stale_hours)")
                .mapValue(Long.class).one().block(WAIT)).as("markers left after a compaction").isZero();
    }

    /**
     * The vacuum itself, not the table's size after it: whether VACUUM can also truncate the emptied pages depends
     * on what else holds a snapshot or a lock on the table at that moment (it skips the truncation then), which a
     * test cannot rule out. vacuum_count counts manual vacuums only, not autovacuum's.
     */
    @Example
    void aLargeFoldVacuumsTheMarkerTables() {
        long before = vacuums();
        sql("INSERT INTO job_metric_entered (job_id) SELECT gen_random_uuid() FROM generate_series(1, :n)")
                .bind("n", MetricHourCompactor.VACUUM_AFTER).then().block(WAIT);
        assertThat(compactor.compact().block(WAIT)).isGreaterThanOrEqualTo(MetricHourCompactor.VACUUM_AFTER);
        assertThat(sql("SELECT count(*) FROM job_metric_entered").mapValue(Long.class).one().block(WAIT))
                .as("markers left after the fold").isZero();
        assertThat(vacuums()).as("manual vacuums of job_metric_entered").isGreaterThan(before);
    }

    private long vacuums() {
        return sql("SELECT coalesce((SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'job_metric_entered'),"
                + " 0)").mapValue(Long.class).one().block(WAIT);
    }

    private void assertSameAnswers(List<Instant> sinces) {
        List<Instant> ranges = new ArrayList<>(sinces);
        ranges.add(null);
        ranges.add(T0.plus(Duration.ofHours(30)));
        for (String owner : Arrays.asList("ann", null)) {
            for (String project : Arrays.asList(null, "p1")) {
                for (Instant since : ranges) {
                    MetricsFilter filter = new MetricsFilter(owner, project, since);
                    assertThat(store.stats(filter).block(WAIT)).as("%s", filter).isEqualTo(reference(filter));
                }
            }
        }
    }

    private UUID add(Step step, boolean duplicate) {
        UUID media = UUID.randomUUID();
        UUID job = UUID.randomUUID();
        String operations = OPERATIONS.get(step.outcome() % OPERATIONS.size());
        String owner = OWNERS.get(step.pick() % OWNERS.size());
        sql("INSERT INTO media_items (id, owner, media_type, file_size, input_path, output_dir, created_at)"
                + " VALUES (:id, :owner, 'photo', 1000, 'in', 'out', :at)")
                .bind("id", media).bind("owner", owner).bind("at", T0).then().block(WAIT);
        sql("INSERT INTO jobs (id, media_item_id, owner, status, priority, max_attempts, operations, project_id,"
                + " queued_at, completed_at) VALUES (:id, :media, :owner, :status, 5, 3, :operations, :project, :at,"
                + " :completedAt)")
                .bind("id", job).bind("media", media).bind("owner", owner)
                .bind("status", duplicate ? "completed" : "queued").bind("operations", operations)
                .bind("project", nullable(PROJECTS.get(step.pick() % PROJECTS.size())))
                .bind("at", T0).bind("completedAt", Parameter.fromOrEmpty(
                        duplicate ? T0.plusSeconds(step.seconds()) : null, Instant.class))
                .then().block(WAIT);
        if (!duplicate) {
            sql("INSERT INTO tasks (job_id, worker, run, status) SELECT :id, w, 1, 'queued' FROM unnest(:workers) w")
                    .bind("id", job)
                    .bind("workers", operations.contains("depth") && !operations.equals("depth")
                            ? new String[]{"image", "vision"}
                            : operations.equals("depth") ? new String[]{"vision"} : new String[]{"image"})
                    .then().block(WAIT);
        }
        return job;
    }

    /** The tasks' outcomes and then the job's (or the other way round), as the event applier writes them. */
    private void finish(UUID job, Step step, Instant at) {
        String status = switch (step.outcome() % 4) {
            case 0, 1 -> "completed";
            case 2 -> "failed";
            default -> "cancelled";
        };
        Runnable tasks = () -> sql("UPDATE tasks SET status = CASE WHEN :status = 'completed' OR worker = :ok"
                + " THEN 'succeeded' ELSE 'dead' END, duration_ms = :d + length(worker) WHERE job_id = :id")
                .bind("status", status).bind("ok", step.seconds() % 2 == 0 ? "image" : "vision")
                .bind("d", duration(step)).bind("id", id(job)).then().block(WAIT);
        Runnable self = () -> sql("UPDATE jobs SET status = :status, completed_at = :at, duration_ms = :d"
                + " WHERE id = :id AND status IN ('queued', 'processing')")
                .bind("status", status).bind("at", at).bind("d", duration(step)).bind("id", id(job))
                .then().block(WAIT);
        if (step.pick() % 2 == 0) {
            tasks.run();
            self.run();
        } else {
            self.run();
            tasks.run();
        }
    }

    private void retry(UUID job) {
        sql("UPDATE jobs SET status = 'queued', run = run + 1, completed_at = NULL, duration_ms = NULL"
                + " WHERE id = :id AND status <> 'queued'").bind("id", id(job)).then().block(WAIT);
        sql("UPDATE tasks SET status = 'queued', duration_ms = NULL, run = run + 1 WHERE job_id = :id")
                .bind("id", id(job)).then().block(WAIT);
    }

    private static Parameter duration(Step step) {
        return Parameter.fromOrEmpty(step.duration() < 0 ? null : (long) step.duration(), Long.class);
    }

    private static Parameter id(UUID job) {
        return Parameter.fromOrEmpty(job, UUID.class);
    }

    private static Parameter nullable(String value) {
        return Parameter.fromOrEmpty(value, String.class);
    }

    private static DatabaseClient.GenericExecuteSpec sql(String sql) {
        return db.sql(sql);
    }

    // ---- the statement of MetricsStore before V86, the reference --------------------------------

    private static final String WORKER_OF_OPERATION = Arrays.stream(Operation.values())
            .map(op -> "WHEN '" + op.json() + "' THEN '" + op.worker().json() + "'")
            .collect(Collectors.joining(" ", "CASE op.name ", " END"));
    private static final String FIGURES = "count(*) FILTER (WHERE %1$s) AS completed, "
            + "count(*) FILTER (WHERE NOT %1$s) AS failed, "
            + "COALESCE(count(*) FILTER (WHERE %1$s)::float8 / NULLIF(count(*), 0), 0) AS success_rate, "
            + "round(avg(duration_ms))::bigint AS avg_ms, min(duration_ms) AS min_ms, max(duration_ms) AS max_ms";
    private static final String JOB_FIGURES = String.format(FIGURES, "status = 'completed'");

    private static MetricsResponse.Stats reference(MetricsFilter filter) {
        Map<String, Object> params = new HashMap<>();
        StringBuilder where = new StringBuilder(" WHERE status IN ('completed', 'failed') AND completed_at IS NOT NULL");
        if (filter.owner() != null) {
            where.append(" AND owner = :owner");
            params.put("owner", filter.owner());
        }
        if (filter.projectId() != null) {
            where.append(" AND project_id = :projectId");
            params.put("projectId", filter.projectId());
        }
        if (filter.since() != null) {
            where.append(" AND completed_at >= :since");
            params.put("since", filter.since());
        }
        String sql = "WITH finished AS (SELECT id, status, duration_ms, completed_at, operations FROM jobs" + where
                + "), per_operation AS (SELECT op.name AS operation, "
                + "COALESCE(t.status = 'succeeded', f.status = 'completed') AS succeeded, t.duration_ms "
                + "FROM finished f CROSS JOIN LATERAL unnest(string_to_array(f.operations, ',')) AS op(name) "
                + "LEFT JOIN tasks t ON t.job_id = f.id AND t.worker = " + WORKER_OF_OPERATION + ") "
                + "SELECT 'total' AS part, NULL::timestamptz AS hour, NULL::text AS operation, " + JOB_FIGURES
                + " FROM finished "
                + "UNION ALL SELECT 'hour', date_trunc('hour', completed_at, 'UTC'), NULL, " + JOB_FIGURES
                + " FROM finished GROUP BY 2 "
                + "UNION ALL SELECT 'operation', NULL, operation, " + String.format(FIGURES, "succeeded")
                + " FROM per_operation GROUP BY 3";
        List<Object[]> parts = db.sql(sql).bindValues(params).map(r -> new Object[]{r.get("part", String.class),
                r.get("hour", Instant.class), r.get("operation", String.class), r.get("completed", Long.class),
                r.get("failed", Long.class), r.get("success_rate", Double.class), r.get("avg_ms", Long.class),
                r.get("min_ms", Long.class), r.get("max_ms", Long.class)}).all().collectList().block(WAIT);
        Object[] total = parts.stream().filter(r -> r[0].equals("total")).findFirst().orElseThrow();
        List<MetricsResponse.HourBucket> hours = parts.stream().filter(r -> r[0].equals("hour"))
                .sorted(Comparator.comparing(r -> (Instant) r[1]))
                .map(r -> new MetricsResponse.HourBucket((Instant) r[1], (Long) r[3], (Long) r[4])).toList();
        List<MetricsResponse.OperationFigures> operations = new ArrayList<>();
        for (Operation op : Operation.values()) {
            parts.stream().filter(r -> r[0].equals("operation") && op.json().equals(r[2])).findFirst()
                    .ifPresent(r -> operations.add(new MetricsResponse.OperationFigures(op.json(), (Long) r[3],
                            (Long) r[4], (Double) r[5], (Long) r[6], (Long) r[7], (Long) r[8])));
        }
        return new MetricsResponse.Stats((Double) total[5], (Long) total[6], (Long) total[7], (Long) total[8], hours,
                operations);
    }
}
