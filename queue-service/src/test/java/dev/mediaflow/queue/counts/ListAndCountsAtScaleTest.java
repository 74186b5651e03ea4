package dev.mediaflow.queue.counts;

import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.store.ItemQuery;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.support.ApiTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V85 and the reads over it answer exactly what the statements before it did, on the real PostgreSQL: the
 * list in every order, direction, status and caller (with many ties, which the id breaks), the list's count and the
 * stats, also after jobs change status, move project or go, before and after the deltas are compacted. The
 * references are the statements as they were before V85 (ordered by the media item's file size, counted with
 * {@code count(*)}).
 */
class ListAndCountsAtScaleTest extends ApiTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @Autowired
    private DatabaseClient db;
    @Autowired
    private JobStore store;
    @Autowired
    private JobCountCompactor compactor;
    @Autowired
    private ConnectionFactory connections;

    private String owner;
    private final Random random = new Random(14);

    @BeforeEach
    void jobs() {
        owner = unique("scale");
        for (int i = 0; i < 120; i++) {
            insertJob(i % 3 == 0 ? unique("other") : owner, i);
        }
    }

    /** A job with few distinct priorities, sizes and times, so that every order has ties for the id to break. */
    private UUID insertJob(String jobOwner, int i) {
        UUID media = UUID.randomUUID();
        UUID job = UUID.randomUUID();
        JobStatus status = JobStatus.values()[random.nextInt(JobStatus.values().length)];
        db.sql("""
                        INSERT INTO media_items (id, owner, media_type, file_size, input_path, output_dir, created_at)
                        VALUES (:id, :owner, 'photo', :size, 'in', 'out', :at)""")
                .bind("id", media).bind("owner", jobOwner).bind("size", 1000L * random.nextInt(8))
                .bind("at", T0).then().block(WAIT);
        db.sql("""
                        INSERT INTO jobs (id, media_item_id, owner, status, priority, max_attempts, operations,
                                          project_id, queued_at)
                        VALUES (:id, :media, :owner, :status, :priority, 3, 'thumbnail', :project, :at)""")
                .bind("id", job).bind("media", media).bind("owner", jobOwner).bind("status", status.json())
                .bind("priority", 1 + random.nextInt(4))
                .bind("project", i % 4 == 0 ? "p-" + owner : "q-" + owner)
                .bind("at", T0.plusSeconds(random.nextInt(10)))
                .then().block(WAIT);
        return job;
    }

    @Test
    void everyOrderDirectionStatusAndCallerListsAndCountsAsBefore() {
        compactor.compact().block(WAIT);
        List<JobStatus> statuses = new ArrayList<>(List.of(JobStatus.values()));
        statuses.add(null);
        for (String caller : new String[]{owner, null}) {
            for (ItemQuery.OrderBy order : ItemQuery.OrderBy.values()) {
                for (boolean descending : new boolean[]{false, true}) {
                    for (JobStatus status : statuses) {
                        for (int[] page : new int[][]{{500, 0}, {7, 5}}) {
                            ItemQuery query = new ItemQuery(caller, status, page[0], page[1], order, descending);
                            List<UUID> listed = store.listItems(query).map(j -> j.job().id()).collectList()
                                    .block(WAIT);
                            assertThat(listed).as("%s", query).isEqualTo(referenceList(query));
                            assertThat(store.countItems(query).block(WAIT)).as("count of %s", query)
                                    .isEqualTo(referenceCount(query));
                        }
                    }
                }
            }
        }
    }

    @Test
    void countsFollowEveryChangeBeforeAndAfterCompaction() {
        assertStatsAsBefore();
        // the compactor waits while this session holds its lock, so the changes below stay deltas until released
        Connection held = Mono.from(connections.create()).block(WAIT);
        run(held, "SELECT pg_advisory_lock(" + JobCountCompactor.LOCK + ")");
        db.sql("UPDATE jobs SET status = 'completed' WHERE owner = :owner AND status IN ('queued', 'processing')")
                .bind("owner", owner).then().block(WAIT);
        db.sql("UPDATE jobs SET project_id = NULL WHERE owner = :owner AND status = 'failed'")
                .bind("owner", owner).then().block(WAIT);
        // a change that is not a status: no delta, and the counts stay right
        db.sql("UPDATE jobs SET attempts = attempts + 1 WHERE owner = :owner").bind("owner", owner).then().block(WAIT);
        db.sql("DELETE FROM jobs WHERE owner = :owner AND status = 'cancelled'").bind("owner", owner).then()
                .block(WAIT);
        insertJob(owner, 1);
        assertThat(compactor.compact().block(WAIT)).as("nothing moved while the lock is held").isZero();
        assertThat(db.sql("SELECT count(*) FROM job_count_deltas WHERE owner = :owner").bind("owner", owner)
                .mapValue(Long.class).one().block(WAIT)).isPositive();
        assertStatsAsBefore();
        run(held, "SELECT pg_advisory_unlock(" + JobCountCompactor.LOCK + ")");
        Mono.from(held.close()).block(WAIT);
        compactor.compact().block(WAIT);
        assertThat(db.sql("SELECT count(*) FROM job_count_deltas WHERE owner = :owner").bind("owner", owner)
                .mapValue(Long.class).one().block(WAIT)).isZero();
        assertStatsAsBefore();
    }

    private static void run(Connection connection, String sql) {
        Flux.from(connection.createStatement(sql).execute()).flatMap(r -> r.map((row, meta) -> 1)).blockLast(WAIT);
    }

    @Test
    void aNewJobCarriesItsMediaItemsFileSize() {
        assertThat(db.sql("""
                        SELECT count(*) FROM jobs j JOIN media_items m ON m.id = j.media_item_id
                        WHERE j.owner = :owner AND j.file_size IS DISTINCT FROM m.file_size""")
                .bind("owner", owner).mapValue(Long.class).one().block(WAIT)).isZero();
    }

    private void assertStatsAsBefore() {
        for (String[] filter : new String[][]{{owner, null}, {owner, "p-" + owner}, {null, "q-" + owner}, {null, null}}) {
            Map<JobStatus, Long> counted = store.countByStatus(filter[0], filter[1]).block(WAIT);
            counted.values().removeIf(n -> n == 0);
            assertThat(counted).as("stats of %s, %s", filter[0], filter[1]).isEqualTo(referenceStats(filter[0], filter[1]));
        }
    }

    private List<UUID> referenceList(ItemQuery query) {
        String column = switch (query.orderBy()) {
            case PRIORITY -> "j.priority";
            case QUEUED_AT -> "j.queued_at";
            case FILE_SIZE -> "m.file_size";
        };
        Map<String, Object> params = params(query);
        params.put("limit", query.limit());
        params.put("offset", query.offset());
        return db.sql("SELECT j.id FROM jobs j JOIN media_items m ON m.id = j.media_item_id" + where(query)
                        + " ORDER BY " + column + (query.descending() ? " DESC" : " ASC") + ", j.id"
                        + " LIMIT :limit OFFSET :offset")
                .bindValues(params).mapValue(UUID.class).all().collectList().block(WAIT);
    }

    private long referenceCount(ItemQuery query) {
        return db.sql("SELECT count(*) FROM jobs j" + where(query)).bindValues(params(query)).mapValue(Long.class)
                .one().block(WAIT);
    }

    private Map<JobStatus, Long> referenceStats(String statsOwner, String project) {
        Map<String, Object> params = new HashMap<>();
        StringBuilder sql = new StringBuilder("SELECT status, count(*) AS n FROM jobs WHERE true");
        if (statsOwner != null) {
            sql.append(" AND owner = :owner");
            params.put("owner", statsOwner);
        }
        if (project != null) {
            sql.append(" AND project_id = :project");
            params.put("project", project);
        }
        return db.sql(sql + " GROUP BY status").bindValues(params)
                .map(row -> Map.entry(JobStatus.fromJson(row.get("status", String.class)), row.get("n", Long.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
    }

    private static String where(ItemQuery query) {
        return " WHERE true" + (query.owner() != null ? " AND j.owner = :owner" : "")
                + (query.status() != null ? " AND j.status = :status" : "");
    }

    private static Map<String, Object> params(ItemQuery query) {
        Map<String, Object> params = new HashMap<>();
        if (query.owner() != null) {
            params.put("owner", query.owner());
        }
        if (query.status() != null) {
            params.put("status", query.status().json());
        }
        return params;
    }
}
