package dev.mediaflow.queue.items;

import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.queue.attempts.AttemptLog;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.store.DatabaseItems;
import dev.mediaflow.queue.store.ItemQuery;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.web.Caller;
import dev.mediaflow.testsupport.PostgresDatabase;
import io.r2dbc.spi.ConnectionFactories;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.flywaydb.core.Flyway;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyset pagination ({@code after} and {@code pagination.next}) lists exactly what one offset page lists, on the
 * real PostgreSQL, over random job sets with many ties in every sort key (few priorities, sizes and times): for an
 * owner and for the admin, every order and direction, with and without a status filter, at random page sizes. And
 * while jobs are inserted and deleted between pages, a walk never lists a job twice, never skips one that stayed,
 * and stays in order. The reference is the list's statement as it was before cursors (ordered by the media item's
 * file size, with offset).
 */
class KeysetPagingPropertyTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> OWNERS = List.of("ann", "ben", "cid");
    private static final List<String> ORDERS = List.of("priority", "queued_at", "file_size");

    private static PostgresDatabase database;
    private static DatabaseClient db;
    private static QueueItemReader reader;

    @BeforeContainer
    static void database() {
        database = PostgresDatabase.create("mediaflow_keyset_test");
        Flyway.configure().dataSource(database.jdbcUrl(), PostgresDatabase.USER, PostgresDatabase.PASSWORD)
                .load().migrate();
        db = DatabaseClient.create(ConnectionFactories.get("r2dbc:pool:postgresql://" + PostgresDatabase.USER + ":"
                + PostgresDatabase.PASSWORD + "@127.0.0.1:5432/" + database.name()));
        JobStore store = new JobStore(db);
        // the list needs only the store and the database items; the cache, reconciler and settings are for one item
        reader = new QueueItemReader(store, new DatabaseItems(store, new AttemptLog(db)), null, null, null, null);
    }

    @AfterContainer
    static void drop() {
        if (database != null) {
            database.close();
        }
    }

    /** A job: its owner, status, and small ranges of priority, size and time, so that every order has ties. */
    record Job(int owner, int status, int priority, int size, int seconds) {
    }

    @Provide
    Arbitrary<List<Job>> jobSets() {
        return Combinators.combine(Arbitraries.integers().between(0, OWNERS.size() - 1),
                        Arbitraries.integers().between(0, JobStatus.values().length - 1),
                        Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 6))
                .as(Job::new).list().ofMaxSize(45);
    }

    @Property(tries = 25)
    void walkingByNextListsWhatOneOffsetPageLists(@ForAll("jobSets") List<Job> jobs,
                                                   @ForAll @IntRange(min = 1, max = 9) int limit,
                                                   @ForAll @IntRange(min = -1, max = 5) int statusPick) {
        reset();
        jobs.forEach(KeysetPagingPropertyTest::insert);
        String status = statusPick < 0 ? null : JobStatus.values()[statusPick].json();
        for (Caller caller : List.of(new Caller("ann", false), new Caller("admin", true))) {
            for (String orderBy : ORDERS) {
                for (String direction : List.of("ASC", "DESC")) {
                    String what = caller + " " + orderBy + " " + direction + " status=" + status + " limit=" + limit;
                    List<UUID> expected = reference(caller, status, orderBy, direction);
                    List<UUID> walked = new ArrayList<>();
                    String after = null;
                    int pages = 0;
                    do {
                        ItemListResponse page = list(caller, status, limit, orderBy, direction, after);
                        assertThat(page.count()).as("count, %s", what).isEqualTo(expected.size());
                        assertThat(page.pagination().limit()).isEqualTo(limit);
                        page.items().forEach(item -> walked.add(item.id()));
                        after = page.pagination().next();
                        if (after != null) {
                            assertThat(page.items()).as("a page with a next is full, %s", what).hasSize(limit);
                        }
                        assertThat(++pages).as("pages, %s", what).isLessThanOrEqualTo(expected.size() / limit + 1);
                    } while (after != null);
                    assertThat(walked).as(what).isEqualTo(expected);
                    assertThat(ids(list(caller, status, 500, orderBy, direction, null).items()))
                            .as("one offset page, %s", what).isEqualTo(expected);
                }
            }
        }
    }

    /** What happens between two pages: a job is added with these keys, or the {@code pick}-th job is deleted. */
    record Change(boolean insert, int pick, Job job) {
    }

    @Provide
    Arbitrary<List<Change>> changes() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 999),
                        jobSets().map(list -> list.isEmpty() ? new Job(0, 0, 1, 0, 0) : list.get(0)))
                .as(Change::new).list().ofMaxSize(12);
    }

    @Property(tries = 25)
    void jobsInsertedOrDeletedBetweenPagesNeitherDuplicateNorSkipTheOthers(
            @ForAll("jobSets") List<Job> jobs, @ForAll("changes") List<Change> changes,
            @ForAll @IntRange(min = 1, max = 5) int limit, @ForAll @IntRange(min = 0, max = 5) int orderPick,
            @ForAll boolean admin) {
        reset();
        List<UUID> present = new ArrayList<>();
        jobs.forEach(job -> present.add(insert(job)));
        Caller caller = admin ? new Caller("admin", true) : new Caller("ann", false);
        String orderBy = ORDERS.get(orderPick % 3);
        String direction = orderPick < 3 ? "ASC" : "DESC";
        Set<UUID> stayed = new HashSet<>(reference(caller, null, orderBy, direction));
        List<QueueItem> walked = new ArrayList<>();
        String after = null;
        int step = 0;
        do {
            ItemListResponse page = list(caller, null, limit, orderBy, direction, after);
            walked.addAll(page.items());
            after = page.pagination().next();
            if (step < changes.size()) {
                Change change = changes.get(step++);
                if (change.insert()) {
                    present.add(insert(change.job()));
                } else if (!present.isEmpty()) {
                    UUID gone = present.remove(change.pick() % present.size());
                    stayed.remove(gone);
                    db.sql("DELETE FROM jobs WHERE id = :id").bind("id", gone).then().block(WAIT);
                }
            }
        } while (after != null);
        List<UUID> ids = ids(walked);
        String what = caller + " " + orderBy + " " + direction + " limit=" + limit;
        assertThat(ids).as("no job twice, %s", what).doesNotHaveDuplicates();
        assertThat(ids).as("every job that stayed, %s", what).containsAll(stayed);
        for (int i = 1; i < walked.size(); i++) {
            assertThat(compare(walked.get(i - 1), walked.get(i), orderBy, direction.equals("DESC")))
                    .as("in order at %d, %s", i, what).isNegative();
        }
    }

    private static int compare(QueueItem a, QueueItem b, String orderBy, boolean descending) {
        int byKey = switch (orderBy) {
            case "priority" -> Integer.compare(a.priority(), b.priority());
            case "queued_at" -> a.queuedAt().compareTo(b.queuedAt());
            default -> Long.compare(a.fileSize(), b.fileSize());
        };
        return byKey != 0 ? (descending ? -byKey : byKey) : uuidOrder(a.id(), b.id());
    }

    /** PostgreSQL orders uuids by their bytes, unsigned; Java's {@link UUID#compareTo} compares signed longs. */
    private static int uuidOrder(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    private static ItemListResponse list(Caller caller, String status, int limit, String orderBy, String direction,
                                         String after) {
        ItemQuery query = ItemQueryParser.parse(caller, status, Integer.toString(limit), null, orderBy, direction,
                after);
        return reader.list(query).block(WAIT);
    }

    private static List<UUID> ids(List<QueueItem> items) {
        return items.stream().map(QueueItem::id).toList();
    }

    private static List<UUID> reference(Caller caller, String status, String orderBy, String direction) {
        String column = orderBy.equals("file_size") ? "m.file_size" : "j." + orderBy;
        Map<String, Object> params = new HashMap<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        if (!caller.admin()) {
            where.append(" AND j.owner = :owner");
            params.put("owner", caller.owner());
        }
        if (status != null) {
            where.append(" AND j.status = :status");
            params.put("status", status);
        }
        return db.sql("SELECT j.id FROM jobs j JOIN media_items m ON m.id = j.media_item_id" + where
                        + " ORDER BY " + column + " " + direction + ", j.id LIMIT 10000 OFFSET 0")
                .bindValues(params).mapValue(UUID.class).all().collectList().block(WAIT);
    }

    private static void reset() {
        db.sql("TRUNCATE jobs, media_items, job_counts, job_count_deltas, job_metric_hours, job_metric_entered,"
                + " job_metric_stale_hours CASCADE").then().block(WAIT);
    }

    private static UUID insert(Job job) {
        UUID media = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        String owner = OWNERS.get(job.owner());
        db.sql("""
                        INSERT INTO media_items (id, owner, media_type, file_size, input_path, output_dir, created_at)
                        VALUES (:id, :owner, 'photo', :size, 'in', 'out', :at)""")
                .bind("id", media).bind("owner", owner).bind("size", 1000L * job.size()).bind("at", T0)
                .then().block(WAIT);
        db.sql("""
                        INSERT INTO jobs (id, media_item_id, owner, status, priority, max_attempts, operations,
                                          queued_at)
                        VALUES (:id, :media, :owner, :status, :priority, 3, 'thumbnail', :at)""")
                .bind("id", id).bind("media", media).bind("owner", owner)
                .bind("status", JobStatus.values()[job.status()].json()).bind("priority", job.priority())
                .bind("at", T0.plusSeconds(job.seconds()).plusNanos(job.seconds() % 2 * 1000L))
                .then().block(WAIT);
        return id;
    }
}
