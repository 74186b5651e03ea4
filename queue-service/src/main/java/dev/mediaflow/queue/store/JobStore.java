package dev.mediaflow.queue.store;

import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.job.TaskStatus;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** The SQL of the job lifecycle, over R2DBC. Writers are meant to run inside a transaction. */
@Repository
public class JobStore {

    private static final String JOB_COLUMNS = "j.id, j.media_item_id, j.owner, j.status, j.run, j.priority, j.attempts, "
            + "j.max_attempts, j.last_error, j.operations, j.project_id, j.batch_id, j.queued_at, j.started_at, "
            + "j.completed_at, j.duration_ms";
    private static final String MEDIA_COLUMNS = "m.owner AS m_owner, m.original_filename, m.media_type, m.file_size, "
            + "m.sha256, m.input_path, m.output_dir, m.created_at AS m_created_at, m.expired_at AS m_expired_at";
    private static final String TASK_COLUMNS = "job_id, worker, run, attempt, status, progress, last_error, error_rank, "
            + "worker_id, started_at, finished_at, duration_ms";

    private final DatabaseClient db;

    public JobStore(DatabaseClient db) {
        this.db = db;
    }

    /** Serialises every change of one job (events, cancel, retry) until the transaction ends. */
    public Mono<Void> lockJob(UUID jobId) {
        return db.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .bind("key", "job:" + jobId)
                .map(row -> 1).all().then();
    }

    /**
     * {@link #lockJob} for many jobs in one statement, taken one after the other in the order of {@code jobIds}
     * (the caller's lock order: two callers that share jobs must give them in the same order, or they may deadlock).
     */
    public Mono<Void> lockJobs(List<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("SELECT pg_advisory_xact_lock(hashtextextended('job:' || t.id::text, 0))"
                        + " FROM unnest(CAST(:ids AS uuid[])) WITH ORDINALITY AS t (id, n) ORDER BY t.n")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .map(row -> 1).all().then();
    }

    /**
     * Takes the {@link #lockJob} lock of each of {@code jobIds} that no other transaction holds, without waiting, in
     * one statement: the jobs returned are locked until the transaction ends, the others are being changed right
     * now and are left to the caller's next pass. A caller that never waits for a lock is in no deadlock, whatever
     * order the jobs come in.
     */
    public Flux<UUID> tryLockJobs(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("SELECT t.id FROM unnest(CAST(:ids AS uuid[])) AS t (id)"
                        + " WHERE pg_try_advisory_xact_lock(hashtextextended('job:' || t.id::text, 0))")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .map(row -> row.get("id", UUID.class))
                .all();
    }

    // ---- writes driven by events ------------------------------------------------------------

    private static final String INSERT_JOB = """
            INSERT INTO jobs (id, media_item_id, owner, status, run, priority, attempts, max_attempts,
                              operations, project_id, batch_id, queued_at, completed_at, correlation_id,
                              updated_at)
            VALUES (:id, :mediaItemId, :owner, :status, :run, :priority, 0, :maxAttempts,
                    :operations, :projectId, :batchId, :queuedAt, :completedAt, :correlationId, now())
            ON CONFLICT (id) DO NOTHING""";
    /** {@link #INSERT_JOB} answering the inserted job's columns, unqualified (an insert has no alias). */
    private static final String INSERT_JOB_RETURNING = INSERT_JOB + " RETURNING " + JOB_COLUMNS.replace("j.", "");

    /**
     * Inserts a job and returns it as stored (its {@code RETURNING}, after {@code jobs_copy_file_size}): what a read
     * right after would give, without that read. A new job is queued; a duplicate ({@link JobSubmission#isDuplicate()})
     * is completed when it is submitted. Empty when a job with its id exists already.
     */
    public Mono<JobRow> insertJob(JobSubmission s) {
        return db.sql(INSERT_JOB_RETURNING).bindValues(jobParams(s))
                .map(JobStore::job)
                .one();
    }

    /**
     * A submitted job's media item (unless recorded already), then the job, whose insert returns it with its media
     * item as stored: what a read of them right after would give, without that read ({@link #insertSubmissions} of
     * the one job). Two statements, not one: {@code jobs_copy_file_size} (V85) reads the media item when the job is
     * inserted, and a statement does not see its own inserts. Empty when the job was recorded already (nothing
     * inserted then).
     */
    public Mono<JobWithMedia> insertSubmission(JobSubmission s) {
        return insertSubmissions(List.of(s)).flatMap(inserted -> Mono.justOrEmpty(inserted.get(s.jobId())));
    }

    /**
     * {@link #insertSubmission} for many submitted jobs (of different ids) in two statements, whatever their number:
     * their media items (unless recorded already), then the jobs, returned as stored with their media items.
     * @return each job inserted now, by id; a job recorded already is not in it
     */
    public Mono<Map<UUID, JobWithMedia>> insertSubmissions(List<JobSubmission> submissions) {
        if (submissions.isEmpty()) {
            return Mono.just(Map.of());
        }
        Mono<Long> mediaItems = db.sql("""
                        INSERT INTO media_items (id, owner, original_filename, media_type, file_size, sha256,
                                                 input_path, output_dir, created_at, duplicate_of)
                        SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:owners AS text[]), CAST(:filenames AS text[]),
                                             CAST(:types AS text[]), CAST(:sizes AS bigint[]), CAST(:shas AS text[]),
                                             CAST(:inputs AS text[]), CAST(:outputs AS text[]),
                                             CAST(:created AS timestamptz[]), CAST(:duplicates AS uuid[]))
                        ON CONFLICT (id) DO NOTHING""")
                .bind("ids", submissions.stream().map(JobSubmission::mediaItemId).toArray(UUID[]::new))
                .bind("owners", submissions.stream().map(JobSubmission::owner).toArray(String[]::new))
                .bind("filenames", submissions.stream().map(JobSubmission::originalFilename).toArray(String[]::new))
                .bind("types", submissions.stream().map(s -> s.mediaType().json()).toArray(String[]::new))
                .bind("sizes", submissions.stream().map(JobSubmission::fileSize).toArray(Long[]::new))
                .bind("shas", submissions.stream().map(JobSubmission::sha256).toArray(String[]::new))
                .bind("inputs", submissions.stream().map(JobSubmission::inputPath).toArray(String[]::new))
                .bind("outputs", submissions.stream().map(JobSubmission::outputDir).toArray(String[]::new))
                .bind("created", submissions.stream().map(JobSubmission::createdAt).toArray(Instant[]::new))
                .bind("duplicates", submissions.stream().map(JobSubmission::duplicateOf).toArray(UUID[]::new))
                .fetch().rowsUpdated();
        return mediaItems.then(db.sql("""
                        WITH j AS (
                            INSERT INTO jobs (id, media_item_id, owner, status, run, priority, attempts, max_attempts,
                                              operations, project_id, batch_id, queued_at, completed_at,
                                              correlation_id, updated_at)
                            SELECT n.id, n.media_item_id, n.owner, n.status, n.run, n.priority, 0, n.max_attempts,
                                   n.operations, n.project_id, n.batch_id, n.queued_at, n.completed_at,
                                   n.correlation_id, now()
                            FROM unnest(CAST(:ids AS uuid[]), CAST(:media AS uuid[]), CAST(:owners AS text[]),
                                        CAST(:statuses AS text[]), CAST(:runs AS int[]), CAST(:priorities AS int[]),
                                        CAST(:maxAttempts AS int[]), CAST(:operations AS text[]),
                                        CAST(:projects AS text[]), CAST(:batches AS text[]),
                                        CAST(:queuedAt AS timestamptz[]), CAST(:completedAt AS timestamptz[]),
                                        CAST(:correlations AS text[]))
                                 AS n (id, media_item_id, owner, status, run, priority, max_attempts, operations,
                                       project_id, batch_id, queued_at, completed_at, correlation_id)
                            ON CONFLICT (id) DO NOTHING
                            RETURNING\s""" + JOB_COLUMNS.replace("j.", "") + """
                        )
                        SELECT\s""" + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                        + " FROM j JOIN media_items m ON m.id = j.media_item_id")
                        .bind("ids", submissions.stream().map(JobSubmission::jobId).toArray(UUID[]::new))
                        .bind("media", submissions.stream().map(JobSubmission::mediaItemId).toArray(UUID[]::new))
                        .bind("owners", submissions.stream().map(JobSubmission::owner).toArray(String[]::new))
                        .bind("statuses", submissions.stream().map(s -> submittedStatus(s).json())
                                .toArray(String[]::new))
                        .bind("runs", submissions.stream().map(JobSubmission::run).toArray(Integer[]::new))
                        .bind("priorities", submissions.stream().map(JobSubmission::priority).toArray(Integer[]::new))
                        .bind("maxAttempts", submissions.stream().map(JobSubmission::maxAttempts)
                                .toArray(Integer[]::new))
                        .bind("operations", submissions.stream().map(s -> joinOperations(s.operations()))
                                .toArray(String[]::new))
                        .bind("projects", submissions.stream().map(JobSubmission::projectId).toArray(String[]::new))
                        .bind("batches", submissions.stream().map(JobSubmission::batchId).toArray(String[]::new))
                        .bind("queuedAt", submissions.stream().map(JobSubmission::createdAt).toArray(Instant[]::new))
                        .bind("completedAt", submissions.stream().map(s -> s.isDuplicate() ? s.createdAt() : null)
                                .toArray(Instant[]::new))
                        .bind("correlations", submissions.stream().map(JobSubmission::correlationId)
                                .toArray(String[]::new))
                        .map(JobStore::jobWithMedia)
                        .all()
                        .collectMap(inserted -> inserted.job().id()));
    }

    /** A new job is queued; a duplicate ({@link JobSubmission#isDuplicate()}) is completed when it is submitted. */
    private static JobStatus submittedStatus(JobSubmission s) {
        return s.isDuplicate() ? JobStatus.COMPLETED : JobStatus.QUEUED;
    }

    private static Map<String, Object> jobParams(JobSubmission s) {
        return params(
                "id", s.jobId(),
                "status", submittedStatus(s).json(),
                "completedAt", nullable(s.isDuplicate() ? s.createdAt() : null, Instant.class),
                "mediaItemId", s.mediaItemId(),
                "owner", s.owner(),
                "run", s.run(),
                "priority", s.priority(),
                "maxAttempts", s.maxAttempts(),
                "operations", joinOperations(s.operations()),
                "projectId", nullable(s.projectId(), String.class),
                "batchId", nullable(s.batchId(), String.class),
                "queuedAt", s.createdAt(),
                "correlationId", nullable(s.correlationId(), String.class));
    }

    /**
     * {@link #insertJob} for many new jobs (queued, none a duplicate) in one statement, each with version 1, as an
     * insert followed by {@link #bumpVersion} leaves one. @return each job as stored, with its version, in no order
     */
    public Flux<VersionedJob> insertJobs(List<JobSubmission> jobs) {
        if (jobs.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("""
                        INSERT INTO jobs AS j (id, media_item_id, owner, status, run, priority, attempts, max_attempts,
                                               operations, project_id, batch_id, queued_at, correlation_id, version,
                                               updated_at)
                        SELECT n.id, n.media_item_id, n.owner, :status, n.run, n.priority, 0, n.max_attempts,
                               n.operations, n.project_id, n.batch_id, n.queued_at, n.correlation_id, 1, now()
                        FROM unnest(CAST(:ids AS uuid[]), CAST(:media AS uuid[]), CAST(:owners AS text[]),
                                    CAST(:runs AS int[]), CAST(:priorities AS int[]), CAST(:maxAttempts AS int[]),
                                    CAST(:operations AS text[]), CAST(:projects AS text[]), CAST(:batches AS text[]),
                                    CAST(:queuedAt AS timestamptz[]), CAST(:correlations AS text[]))
                             AS n (id, media_item_id, owner, run, priority, max_attempts, operations, project_id,
                                   batch_id, queued_at, correlation_id)
                        RETURNING j.version, """ + JOB_COLUMNS)
                .bind("status", JobStatus.QUEUED.json())
                .bind("ids", jobs.stream().map(JobSubmission::jobId).toArray(UUID[]::new))
                .bind("media", jobs.stream().map(JobSubmission::mediaItemId).toArray(UUID[]::new))
                .bind("owners", jobs.stream().map(JobSubmission::owner).toArray(String[]::new))
                .bind("runs", jobs.stream().map(JobSubmission::run).toArray(Integer[]::new))
                .bind("priorities", jobs.stream().map(JobSubmission::priority).toArray(Integer[]::new))
                .bind("maxAttempts", jobs.stream().map(JobSubmission::maxAttempts).toArray(Integer[]::new))
                .bind("operations", jobs.stream().map(s -> joinOperations(s.operations())).toArray(String[]::new))
                .bind("projects", jobs.stream().map(JobSubmission::projectId).toArray(String[]::new))
                .bind("batches", jobs.stream().map(JobSubmission::batchId).toArray(String[]::new))
                .bind("queuedAt", jobs.stream().map(JobSubmission::createdAt).toArray(Instant[]::new))
                .bind("correlations", jobs.stream().map(JobSubmission::correlationId).toArray(String[]::new))
                .map(row -> new VersionedJob(row.get("version", Long.class), job(row)))
                .all();
    }

    public Mono<JobRow> findJobForUpdate(UUID jobId) {
        return db.sql("SELECT " + JOB_COLUMNS + " FROM jobs j WHERE j.id = :id FOR UPDATE")
                .bind("id", jobId)
                .map(JobStore::job)
                .one();
    }

    /**
     * What a task event needs first, in one round trip: whether the job belonged to a deleted media item, and the
     * job (row locked until the transaction ends) with its media item, if it exists yet. Run after
     * {@link #lockJob}, so it sees every change committed before the lock was taken.
     */
    public Mono<JobForEvent> findJobForEvent(UUID jobId) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM deleted_jobs WHERE job_id = :id) AS deleted, x.* FROM (SELECT 1) one"
                        + " LEFT JOIN LATERAL (SELECT " + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                        + " FROM jobs j JOIN media_items m ON m.id = j.media_item_id WHERE j.id = :id FOR UPDATE OF j)"
                        + " x ON true")
                .bind("id", jobId)
                .map(row -> new JobForEvent(Boolean.TRUE.equals(row.get("deleted", Boolean.class)),
                        row.get("id", UUID.class) == null ? null : jobWithMedia(row)))
                .one();
    }

    /**
     * {@link #findJobForEvent} for many jobs in one statement (run after {@link #lockJobs} of the same jobs): each
     * job's row locked in the order of {@code jobIds}. @return what was read of each of {@code jobIds}
     */
    public Mono<Map<UUID, JobForEvent>> findJobsForEvents(List<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("SELECT t.wanted, EXISTS (SELECT 1 FROM deleted_jobs WHERE job_id = t.wanted) AS deleted, x.*"
                        + " FROM unnest(CAST(:ids AS uuid[])) WITH ORDINALITY AS t (wanted, n)"
                        + " LEFT JOIN LATERAL (SELECT " + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                        + " FROM jobs j JOIN media_items m ON m.id = j.media_item_id WHERE j.id = t.wanted"
                        + " FOR UPDATE OF j) x ON true ORDER BY t.n")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .map(row -> Map.entry(row.get("wanted", UUID.class),
                        new JobForEvent(Boolean.TRUE.equals(row.get("deleted", Boolean.class)),
                                row.get("id", UUID.class) == null ? null : jobWithMedia(row))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** The job with its media item, the job's row locked until the transaction ends. */
    public Mono<JobWithMedia> findJobWithMediaForUpdate(UUID jobId) {
        return db.sql("SELECT " + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                        + " FROM jobs j JOIN media_items m ON m.id = j.media_item_id WHERE j.id = :id FOR UPDATE OF j")
                .bind("id", jobId)
                .map(JobStore::jobWithMedia)
                .one();
    }

    /** Every task row of the job, locked until the transaction ends, in the order of {@link #findTasks}. */
    public Flux<TaskRow> findTasksForUpdate(UUID jobId) {
        return db.sql("SELECT " + TASK_COLUMNS + " FROM tasks WHERE job_id = :jobId ORDER BY worker FOR UPDATE")
                .bind("jobId", jobId)
                .map(JobStore::task)
                .all();
    }

    /** {@link #findTasksForUpdate(UUID)} for many jobs (their locks held) in one statement, by job. */
    public Flux<TaskRow> findTasksForUpdate(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("SELECT " + TASK_COLUMNS + " FROM tasks WHERE job_id = ANY(CAST(:jobIds AS uuid[]))"
                        + " ORDER BY job_id, worker FOR UPDATE")
                .bind("jobIds", jobIds.toArray(UUID[]::new))
                .map(JobStore::task)
                .all();
    }

    /** Every task row of these jobs, by job and in the order of {@link #findTasks(UUID)}, in one statement. */
    public Flux<TaskRow> findTasks(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("SELECT " + TASK_COLUMNS + " FROM tasks WHERE job_id = ANY(CAST(:jobIds AS uuid[]))"
                        + " ORDER BY job_id, worker")
                .bind("jobIds", jobIds.toArray(UUID[]::new))
                .map(JobStore::task)
                .all();
    }

    public Flux<TaskRow> findTasks(UUID jobId) {
        return db.sql("SELECT " + TASK_COLUMNS + " FROM tasks WHERE job_id = :jobId ORDER BY worker")
                .bind("jobId", jobId)
                .map(JobStore::task)
                .all();
    }

    /** A task row written whole: every field from the row given, whether the task had a row or not. */
    private static final String TASK_UPSERT = """
            ON CONFLICT (job_id, worker) DO UPDATE SET
                run = excluded.run, attempt = excluded.attempt, status = excluded.status,
                progress = excluded.progress, last_error = excluded.last_error,
                error_rank = excluded.error_rank, worker_id = excluded.worker_id,
                started_at = excluded.started_at, finished_at = excluded.finished_at,
                duration_ms = excluded.duration_ms, updated_at = now()""";
    private static final String SAVE_TASK = """
            INSERT INTO tasks (job_id, worker, run, attempt, status, progress, last_error, error_rank,
                               worker_id, started_at, finished_at, duration_ms, updated_at)
            VALUES (:jobId, :worker, :run, :attempt, :status, :progress, :lastError, :errorRank,
                    :workerId, :startedAt, :finishedAt, :durationMs, now())
            """ + TASK_UPSERT;

    public Mono<Long> saveTask(TaskRow t) {
        return db.sql(SAVE_TASK).bindValues(taskParams(t)).fetch().rowsUpdated();
    }

    /** {@link #saveTask} for many tasks, at most one per job and worker, in one statement. */
    public Mono<Long> saveTasks(List<TaskRow> tasks) {
        if (tasks.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        INSERT INTO tasks (job_id, worker, run, attempt, status, progress, last_error, error_rank,
                                           worker_id, started_at, finished_at, duration_ms, updated_at)
                        SELECT t.job_id, t.worker, t.run, t.attempt, t.status, t.progress, t.last_error, t.error_rank,
                               t.worker_id, t.started_at, t.finished_at, t.duration_ms, now()
                        FROM unnest(CAST(:ids AS uuid[]), CAST(:workers AS text[]), CAST(:runs AS int[]),
                                    CAST(:attempts AS int[]), CAST(:statuses AS text[]), CAST(:progress AS int[]),
                                    CAST(:errors AS text[]), CAST(:ranks AS int[]), CAST(:workerIds AS text[]),
                                    CAST(:started AS timestamptz[]), CAST(:finished AS timestamptz[]),
                                    CAST(:durations AS bigint[]))
                             AS t (job_id, worker, run, attempt, status, progress, last_error, error_rank, worker_id,
                                   started_at, finished_at, duration_ms)
                        """ + TASK_UPSERT)
                .bind("ids", tasks.stream().map(TaskRow::jobId).toArray(UUID[]::new))
                .bind("workers", tasks.stream().map(t -> t.worker().json()).toArray(String[]::new))
                .bind("runs", tasks.stream().map(TaskRow::run).toArray(Integer[]::new))
                .bind("attempts", tasks.stream().map(TaskRow::attempt).toArray(Integer[]::new))
                .bind("statuses", tasks.stream().map(t -> t.status().db()).toArray(String[]::new))
                .bind("progress", tasks.stream().map(TaskRow::progress).toArray(Integer[]::new))
                .bind("errors", tasks.stream().map(TaskRow::lastError).toArray(String[]::new))
                .bind("ranks", tasks.stream().map(TaskRow::errorRank).toArray(Integer[]::new))
                .bind("workerIds", tasks.stream().map(TaskRow::workerId).toArray(String[]::new))
                .bind("started", tasks.stream().map(TaskRow::startedAt).toArray(Instant[]::new))
                .bind("finished", tasks.stream().map(TaskRow::finishedAt).toArray(Instant[]::new))
                .bind("durations", tasks.stream().map(TaskRow::durationMs).toArray(Long[]::new))
                .fetch().rowsUpdated();
    }

    /**
     * {@link #saveTask}, returning the row as PostgreSQL stored it (its times at the database's precision), so
     * that what is derived from it next equals what a later read would give, without that read.
     */
    public Mono<TaskRow> saveTaskReturning(TaskRow t) {
        return db.sql(SAVE_TASK + " RETURNING " + TASK_COLUMNS).bindValues(taskParams(t)).map(JobStore::task).one();
    }

    private static Map<String, Object> taskParams(TaskRow t) {
        return params(
                "jobId", t.jobId(),
                "worker", t.worker().json(),
                "run", t.run(),
                "attempt", t.attempt(),
                "status", t.status().db(),
                "progress", t.progress(),
                "lastError", nullable(t.lastError(), String.class),
                "errorRank", t.errorRank(),
                "workerId", nullable(t.workerId(), String.class),
                "startedAt", nullable(t.startedAt(), Instant.class),
                "finishedAt", nullable(t.finishedAt(), Instant.class),
                "durationMs", nullable(t.durationMs(), Long.class));
    }

    /** Writes the derived and status fields of a job. */
    public Mono<Long> saveJob(JobRow j) {
        return db.sql("""
                        UPDATE jobs SET status = :status, run = :run, attempts = :attempts, last_error = :lastError,
                                        started_at = :startedAt, completed_at = :completedAt, duration_ms = :durationMs,
                                        updated_at = now()
                        WHERE id = :id""")
                .bindValues(jobFields(j))
                .fetch().rowsUpdated();
    }

    /** The derived and status fields that {@link #saveJob} and {@link #saveJobVersioned} write. */
    private static Map<String, Object> jobFields(JobRow j) {
        return params(
                "id", j.id(),
                "status", j.status().json(),
                "run", j.run(),
                "attempts", j.attempts(),
                "lastError", nullable(j.lastError(), String.class),
                "startedAt", nullable(j.startedAt(), Instant.class),
                "completedAt", nullable(j.completedAt(), Instant.class),
                "durationMs", nullable(j.durationMs(), Long.class));
    }

    /**
     * {@link #saveJob} and the version bump of {@link #bumpVersion} in one statement: returns the new version and
     * the job as stored.
     */
    public Mono<VersionedJob> saveJobVersioned(JobRow j) {
        return db.sql("""
                        UPDATE jobs j SET status = :status, run = :run, attempts = :attempts, last_error = :lastError,
                                          started_at = :startedAt, completed_at = :completedAt,
                                          duration_ms = :durationMs, version = j.version + 1,
                                          updated_at = now()
                        WHERE j.id = :id RETURNING j.version, """ + JOB_COLUMNS)
                .bindValues(jobFields(j))
                .map(row -> new VersionedJob(row.get("version", Long.class), job(row)))
                .one();
    }

    /**
     * {@link #saveJobVersioned(JobRow)} for many jobs in one statement (each job once, its row locked by the caller):
     * the fields of each as given, its version raised by one. @return each job's new version, in no order
     */
    public Flux<JobVersion> saveJobsVersioned(List<JobRow> jobs) {
        return saveJobsVersioned(jobs, jobs.stream().map(j -> 1).toList());
    }

    /**
     * {@link #saveJobVersioned(JobRow)} for many jobs in one statement (each job once, its row locked by the
     * caller), the version of {@code jobs.get(i)} raised by {@code changes.get(i)}: the changes of a batch folded in
     * memory ({@code JobEventFold}), each keeping a version of its own, the last one the returned version.
     * @return each job's new version, in no order
     */
    public Flux<JobVersion> saveJobsVersioned(List<JobRow> jobs, List<Integer> changes) {
        if (jobs.size() != changes.size()) {
            throw new IllegalArgumentException(jobs.size() + " jobs, " + changes.size() + " numbers of changes");
        }
        if (jobs.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("""
                        UPDATE jobs j SET status = c.status, run = c.run, attempts = c.attempts,
                                          last_error = c.last_error, started_at = c.started_at,
                                          completed_at = c.completed_at, duration_ms = c.duration_ms,
                                          version = j.version + c.changes, updated_at = now()
                        FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:runs AS int[]),
                                    CAST(:attempts AS int[]), CAST(:errors AS text[]),
                                    CAST(:started AS timestamptz[]), CAST(:completed AS timestamptz[]),
                                    CAST(:durations AS bigint[]), CAST(:changes AS int[]))
                             AS c(id, status, run, attempts, last_error, started_at, completed_at, duration_ms,
                                  changes)
                        WHERE j.id = c.id RETURNING j.id, j.version""")
                .bind("ids", jobs.stream().map(JobRow::id).toArray(UUID[]::new))
                .bind("statuses", jobs.stream().map(j -> j.status().json()).toArray(String[]::new))
                .bind("runs", jobs.stream().map(JobRow::run).toArray(Integer[]::new))
                .bind("attempts", jobs.stream().map(JobRow::attempts).toArray(Integer[]::new))
                .bind("errors", jobs.stream().map(JobRow::lastError).toArray(String[]::new))
                .bind("started", jobs.stream().map(JobRow::startedAt).toArray(Instant[]::new))
                .bind("completed", jobs.stream().map(JobRow::completedAt).toArray(Instant[]::new))
                .bind("durations", jobs.stream().map(JobRow::durationMs).toArray(Long[]::new))
                .bind("changes", changes.toArray(Integer[]::new))
                .map(row -> new JobVersion(row.get("id", UUID.class), row.get("version", Long.class)))
                .all();
    }

    /** {@link #bumpVersion}, returning the job as stored too. */
    public Mono<VersionedJob> bumpVersionReturning(UUID jobId) {
        return db.sql("UPDATE jobs j SET version = j.version + 1, updated_at = now() WHERE j.id = :id RETURNING j.version, "
                        + JOB_COLUMNS)
                .bind("id", jobId)
                .map(row -> new VersionedJob(row.get("version", Long.class), job(row)))
                .one();
    }

    /** An expired media item takes no results: they would name files that were removed (a very late success). */
    public Mono<Void> saveResults(UUID mediaItemId, UUID jobId, Map<String, VariantResult> results, Instant at) {
        return Flux.fromIterable(results.entrySet())
                .concatMap(entry -> db.sql("""
                                INSERT INTO results (media_item_id, name, width, height, bytes, model, job_id, created_at)
                                SELECT :mediaItemId, :name, :width, :height, :bytes, :model, :jobId, :createdAt
                                WHERE NOT EXISTS (SELECT 1 FROM media_items
                                                  WHERE id = :mediaItemId AND expired_at IS NOT NULL)
                                ON CONFLICT (media_item_id, name) DO UPDATE SET
                                    width = excluded.width, height = excluded.height, bytes = excluded.bytes,
                                    model = excluded.model, job_id = excluded.job_id, created_at = excluded.created_at""")
                        .bindValues(params(
                                "mediaItemId", mediaItemId,
                                "name", entry.getKey(),
                                "width", entry.getValue().width(),
                                "height", entry.getValue().height(),
                                "bytes", entry.getValue().bytes(),
                                "model", nullable(entry.getValue().model(), String.class),
                                "jobId", jobId,
                                "createdAt", at))
                        .fetch().rowsUpdated())
                .then();
    }

    /** Every expected task back to queued in the job's (new) run. */
    public Mono<Void> resetTasks(JobRow job) {
        return resetTasks(List.of(job)).then();
    }

    /** {@link #resetTasks(JobRow)} for many jobs (their rows locked by the caller) in one statement. */
    public Mono<Long> resetTasks(List<JobRow> jobs) {
        List<TaskRow> fresh = jobs.stream()
                .flatMap(job -> job.expectedWorkers().stream().map(kind -> TaskRow.fresh(job.id(), kind, job.run())))
                .toList();
        if (fresh.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        INSERT INTO tasks (job_id, worker, run, attempt, status, progress, last_error, error_rank,
                                           worker_id, started_at, finished_at, duration_ms, updated_at)
                        SELECT t.job_id, t.worker, t.run, 0, :status, 0, NULL, 0, NULL, NULL, NULL, NULL, now()
                        FROM unnest(CAST(:ids AS uuid[]), CAST(:workers AS text[]), CAST(:runs AS int[]))
                             AS t (job_id, worker, run)
                        """ + TASK_UPSERT)
                .bind("status", TaskStatus.QUEUED.db())
                .bind("ids", fresh.stream().map(TaskRow::jobId).toArray(UUID[]::new))
                .bind("workers", fresh.stream().map(t -> t.worker().json()).toArray(String[]::new))
                .bind("runs", fresh.stream().map(TaskRow::run).toArray(Integer[]::new))
                .fetch().rowsUpdated();
    }

    // ---- reads for the API -------------------------------------------------------------------

    public Mono<JobWithMedia> findItem(UUID jobId, String owner) {
        String sql = "SELECT " + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                + " FROM jobs j JOIN media_items m ON m.id = j.media_item_id WHERE j.id = :id"
                + (owner == null ? "" : " AND j.owner = :owner");
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("id", jobId);
        if (owner != null) {
            spec = spec.bind("owner", owner);
        }
        return spec.map(JobStore::jobWithMedia).one();
    }

    /** {@link #findItem} for many jobs of any owner in one read, in no order; a job that is gone is left out. */
    public Flux<JobWithMedia> findItems(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("SELECT " + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                        + " FROM jobs j JOIN media_items m ON m.id = j.media_item_id WHERE j.id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .map(JobStore::jobWithMedia)
                .all();
    }

    public Mono<MediaItemRow> findMediaItem(UUID mediaItemId) {
        return db.sql("SELECT m.id, " + MEDIA_COLUMNS + " FROM media_items m WHERE m.id = :id")
                .bind("id", mediaItemId)
                .map(JobStore::media)
                .one();
    }

    /**
     * {@link #findMediaItemForShare} for many media items in one statement that never waits: an item whose row another
     * transaction holds (an expiry, a deletion) is skipped, and so is one that expired; in no order.
     */
    public Flux<MediaItemRow> lockLiveMediaWithoutWaiting(Collection<UUID> mediaItemIds) {
        if (mediaItemIds.isEmpty()) {
            return Flux.empty();
        }
        // one array parameter, not a list of them: a batch may hold more items than a statement takes parameters
        return db.sql("SELECT m.id, " + MEDIA_COLUMNS + " FROM media_items m WHERE m.id = ANY(CAST(:ids AS uuid[]))"
                        + " AND m.deleting_since IS NULL AND m.expired_at IS NULL FOR SHARE SKIP LOCKED")
                .bind("ids", mediaItemIds.toArray(UUID[]::new))
                .map(JobStore::media)
                .all();
    }

    /**
     * The media item with its row share-locked until the transaction ends, for a change that will need its
     * original (enqueue, retry, replay): an expiry waits for that change to commit and then sees its job, and a
     * change after an expiry sees the item expired. Empty once its deletion has started: no new work may start
     * for an item being deleted.
     */
    public Mono<MediaItemRow> findMediaItemForShare(UUID mediaItemId) {
        return db.sql("SELECT m.id, " + MEDIA_COLUMNS + " FROM media_items m WHERE m.id = :id"
                        + " AND m.deleting_since IS NULL FOR SHARE")
                .bind("id", mediaItemId)
                .map(JobStore::media)
                .one();
    }

    /** Those of {@code jobIds} recorded here, deleted ones included (a tombstone answers for them), in one statement. */
    public Flux<UUID> recordedAmong(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("SELECT id FROM jobs WHERE id IN (:ids) UNION SELECT job_id FROM deleted_jobs WHERE job_id IN (:ids)")
                .bind("ids", List.copyOf(jobIds))
                .mapValue(UUID.class)
                .all();
    }

    /** Whether the job belonged to a deleted media item: its late events change nothing. */
    public Mono<Boolean> isDeleted(UUID jobId) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM deleted_jobs WHERE job_id = :id) AS deleted")
                .bind("id", jobId)
                .map(row -> Boolean.TRUE.equals(row.get("deleted", Boolean.class)))
                .one();
    }

    /**
     * A page of the list. With {@link ItemQuery#after()} it starts right after that item (keyset pagination), so
     * PostgreSQL walks the order's index from there instead of reading and skipping {@code offset} rows: ascending,
     * one row comparison {@code (key, id) > (k, i)} on the index's columns; descending (the id still breaks ties
     * ascending, so the order is not one row comparison), the rest of the key's ties ({@code key = k AND id > i})
     * and the keys after it ({@code key < k}), each the first rows of an index scan, merged.
     */
    public Flux<JobWithMedia> listItems(ItemQuery query) {
        String select = "SELECT " + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                + " FROM jobs j JOIN media_items m ON m.id = j.media_item_id"
                + where(query);
        String column = query.orderBy().column();
        String direction = query.descending() ? " DESC" : " ASC";
        Map<String, Object> params = whereParams(query);
        params.put("limit", query.limit());
        params.put("offset", query.offset());
        String sql;
        if (query.after() == null) {
            sql = select + " ORDER BY " + column + direction + ", j.id LIMIT :limit OFFSET :offset";
        } else {
            params.put("afterKey", query.after().key());
            params.put("afterId", query.after().id());
            if (!query.descending()) {
                sql = select + " AND (" + column + ", j.id) > (:afterKey, :afterId)"
                        + " ORDER BY " + column + " ASC, j.id LIMIT :limit OFFSET :offset";
            } else {
                sql = "SELECT * FROM ((" + select + " AND " + column + " = :afterKey AND j.id > :afterId"
                        + " ORDER BY j.id LIMIT :limit + :offset)"
                        + " UNION ALL (" + select + " AND " + column + " < :afterKey"
                        + " ORDER BY " + column + " DESC, j.id LIMIT :limit + :offset)) page"
                        + " ORDER BY " + query.orderBy().outputName() + " DESC, id LIMIT :limit OFFSET :offset";
            }
        }
        return db.sql(sql).bindValues(params).map(JobStore::jobWithMedia).all();
    }

    /**
     * How many jobs the query matches, from the counts kept per owner, project and status (migration V85, summed
     * with the deltas not yet compacted in one statement): the same number as {@code count(*)} over the jobs,
     * without reading them.
     */
    public Mono<Long> countItems(ItemQuery query) {
        return db.sql("SELECT COALESCE(sum(n), 0)::bigint FROM (" + counts(countWhere(query)) + ") c")
                .bindValues(whereParams(query))
                .mapValue(Long.class)
                .one();
    }

    /** The kept counts and the deltas not compacted yet, as rows (owner, project_id, status, n), filtered. */
    private static String counts(String where) {
        return "SELECT owner, project_id, status, n FROM job_counts" + where
                + " UNION ALL SELECT owner, project_id, status, delta FROM job_count_deltas" + where;
    }

    /**
     * The results of each media item, with the version they have (V87), by media item; one statement, so each
     * version is that of the results read with it. An item without results is there with none; one that is gone is
     * not.
     */
    public Mono<Map<UUID, MediaResults>> results(Collection<UUID> mediaItemIds) {
        if (mediaItemIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("SELECT m.id AS media_item_id, m.results_version, r.name, r.width, r.height, r.bytes, r.model"
                        + " FROM media_items m LEFT JOIN results r ON r.media_item_id = m.id"
                        + " WHERE m.id IN (:ids) ORDER BY m.id, r.name")
                .bind("ids", List.copyOf(mediaItemIds))
                .map(row -> {
                    UUID id = row.get("media_item_id", UUID.class);
                    String name = row.get("name", String.class);
                    return new MediaResults(id, row.get("results_version", Long.class), name == null ? List.of()
                            : List.of(new ResultRow(id, name, row.get("width", Integer.class),
                                    row.get("height", Integer.class), row.get("bytes", Long.class),
                                    row.get("model", String.class))));
                })
                .all()
                .collect(LinkedHashMap::new, (Map<UUID, MediaResults> byItem, MediaResults row) ->
                        byItem.merge(row.mediaItemId(), row, MediaResults::plus));
    }

    /**
     * Counts a change of the media item's results, in the transaction that changes them; returns the new results
     * version (empty when the item is gone). The item's row stays locked until the transaction ends, so its
     * changes of results commit one after the other, each with a higher version.
     */
    public Mono<Long> bumpResultsVersion(UUID mediaItemId) {
        return db.sql("UPDATE media_items SET results_version = results_version + 1 WHERE id = :id"
                        + " RETURNING results_version")
                .bind("id", mediaItemId)
                .mapValue(Long.class)
                .one();
    }

    /**
     * Since when the longest-waiting {@code queued} job waits: its upload, or for a later run (a retry, a replay)
     * the moment it was queued again; empty when none is queued.
     */
    public Mono<Instant> oldestQueued() {
        return db.sql("SELECT min(CASE WHEN run = 1 THEN queued_at ELSE updated_at END) AS since FROM jobs"
                        + " WHERE status = 'queued'")
                .map(row -> java.util.Optional.ofNullable(row.get("since", Instant.class)))
                .one()
                .flatMap(Mono::justOrEmpty);
    }

    /** Jobs per status, for one owner (null: all) and optionally one project, from the kept counts (V85). */
    public Mono<Map<JobStatus, Long>> countByStatus(String owner, String projectId) {
        StringBuilder where = new StringBuilder(" WHERE true");
        Map<String, Object> params = new HashMap<>();
        if (owner != null) {
            where.append(" AND owner = :owner");
            params.put("owner", owner);
        }
        if (projectId != null) {
            where.append(" AND project_id = :projectId");
            params.put("projectId", projectId);
        }
        String sql = "SELECT status, sum(n)::bigint AS n FROM (" + counts(where.toString()) + ") c GROUP BY status";
        return db.sql(sql).bindValues(params)
                .map(row -> Map.entry(JobStatus.fromJson(row.get("status", String.class)), row.get("n", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    public Mono<JobRow> findJob(UUID jobId) {
        return db.sql("SELECT " + JOB_COLUMNS + " FROM jobs j WHERE j.id = :id")
                .bind("id", jobId)
                .map(JobStore::job)
                .one();
    }

    /** Ids of the jobs of one project in the given statuses, for one owner (null: all), oldest first. */
    public Flux<UUID> findJobIds(String owner, String projectId, List<String> batchIds, Collection<JobStatus> statuses) {
        Map<String, Object> params = new HashMap<>();
        String where = projectJobs(owner, projectId, batchIds, statuses, params);
        return db.sql("SELECT j.id FROM jobs j" + where + " ORDER BY j.queued_at, j.id")
                .bindValues(params).mapValue(UUID.class).all();
    }

    /**
     * The jobs of {@link #findJobIds} with their media items, each job's row locked until the transaction ends, in
     * one statement that never waits: a job whose row another transaction holds (an event being applied, a cancel,
     * a deletion) is skipped ({@code SKIP LOCKED}), so a transaction that took these locks never waits for one
     * another holds and can be in no deadlock. The lock is {@code FOR NO KEY UPDATE}, what an update of the job's
     * fields takes anyway, so the inserts that reference the job (its tasks, its attempts) are not skipped for
     * their key-share locks, nor wait.
     */
    public Flux<JobWithMedia> lockJobsWithoutWaiting(String owner, String projectId, List<String> batchIds,
                                                     Collection<JobStatus> statuses) {
        Map<String, Object> params = new HashMap<>();
        String where = projectJobs(owner, projectId, batchIds, statuses, params);
        return db.sql("SELECT " + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                        + " FROM jobs j JOIN media_items m ON m.id = j.media_item_id" + where
                        + " FOR NO KEY UPDATE OF j SKIP LOCKED")
                .bindValues(params)
                .map(JobStore::jobWithMedia)
                .all();
    }

    /**
     * {@link #lockJobsWithoutWaiting} for a retry: the project's {@code failed} jobs whose media item can run again
     * (not expired, not being deleted), each job's row locked {@code FOR NO KEY UPDATE} and its media item's
     * {@code FOR SHARE} (as {@link #findMediaItemForShare} does for one retry: an expiry or a deletion waits for the
     * commit), both {@code SKIP LOCKED}, so the caller never waits and is in no deadlock.
     */
    public Flux<JobWithMedia> lockRetryableWithoutWaiting(String owner, String projectId) {
        Map<String, Object> params = new HashMap<>();
        String where = projectJobs(owner, projectId, null, List.of(JobStatus.FAILED), params);
        return db.sql("SELECT " + JOB_COLUMNS + ", " + MEDIA_COLUMNS
                        + " FROM jobs j JOIN media_items m ON m.id = j.media_item_id" + where
                        + " AND m.expired_at IS NULL AND m.deleting_since IS NULL"
                        + " FOR NO KEY UPDATE OF j SKIP LOCKED FOR SHARE OF m SKIP LOCKED")
                .bindValues(params)
                .map(JobStore::jobWithMedia)
                .all();
    }

    /** The condition of a project's jobs (alias {@code j}) in the given statuses, its values put in {@code params}. */
    private static String projectJobs(String owner, String projectId, List<String> batchIds,
                                      Collection<JobStatus> statuses, Map<String, Object> params) {
        StringBuilder where = new StringBuilder(" WHERE j.project_id = :projectId AND j.status IN (:statuses)");
        params.put("projectId", projectId);
        params.put("statuses", statuses.stream().map(JobStatus::json).toList());
        if (owner != null) {
            where.append(" AND j.owner = :owner");
            params.put("owner", owner);
        }
        if (batchIds != null && !batchIds.isEmpty()) {
            where.append(" AND j.batch_id IN (:batchIds)");
            params.put("batchIds", List.copyOf(batchIds));
        }
        return where.toString();
    }

    /**
     * The latest job (by queue time) of every media item with a job in those batches of the project, for one
     * owner (null: all), leaving out media items being deleted; oldest media item first.
     */
    public Flux<JobRow> latestJobsOfBatches(String owner, String projectId, Collection<String> batchIds) {
        StringBuilder sql = new StringBuilder("SELECT * FROM (SELECT DISTINCT ON (j.media_item_id) " + JOB_COLUMNS
                + ", m.created_at AS m_created_at FROM jobs j JOIN media_items m ON m.id = j.media_item_id"
                + " WHERE j.project_id = :projectId AND j.batch_id IN (:batchIds) AND m.deleting_since IS NULL");
        Map<String, Object> params = new HashMap<>();
        params.put("projectId", projectId);
        params.put("batchIds", List.copyOf(batchIds));
        if (owner != null) {
            sql.append(" AND j.owner = :owner");
            params.put("owner", owner);
        }
        sql.append(" ORDER BY j.media_item_id, j.queued_at DESC, j.id DESC) latest ORDER BY m_created_at, media_item_id");
        return db.sql(sql.toString()).bindValues(params).map(JobStore::job).all();
    }

    // ---- versions: the order of a job's changes, for its Redis snapshot ------------------------

    /** Counts one change of the job; returns its new version (empty if there is no such job). */
    public Mono<Long> bumpVersion(UUID jobId) {
        return db.sql("UPDATE jobs SET version = version + 1, updated_at = now() WHERE id = :id RETURNING version")
                .bind("id", jobId)
                .mapValue(Long.class)
                .one();
    }

    public Mono<Long> findVersion(UUID jobId) {
        return db.sql("SELECT version FROM jobs WHERE id = :id")
                .bind("id", jobId)
                .mapValue(Long.class)
                .one();
    }

    /**
     * The committed version, with the row locked until the transaction ends: a writer that bumped it
     * and has not committed yet is waited for ({@code skipLocked}: skipped, empty).
     */
    public Mono<Long> lockVersion(UUID jobId, boolean skipLocked) {
        return db.sql("SELECT version FROM jobs WHERE id = :id FOR UPDATE" + (skipLocked ? " SKIP LOCKED" : ""))
                .bind("id", jobId)
                .mapValue(Long.class)
                .one();
    }

    /**
     * Jobs not final, or changed since {@code since}, for the reconciler: each half by its own index (status,
     * updated_at), so a pass reads what it finds. The one condition with {@code OR}, paged in id order, made
     * PostgreSQL walk the primary key through every job ever recorded, each pass, finding nothing or not (91 ms
     * every 15 s at 136,000 jobs, growing with them).
     */
    public Flux<JobVersion> versionsToReconcile(Instant since) {
        return db.sql("""
                        SELECT id, version FROM jobs WHERE status IN ('pending', 'queued', 'processing')
                        UNION
                        SELECT id, version FROM jobs WHERE updated_at > :since""")
                .bind("since", since)
                .map(row -> new JobVersion(row.get("id", UUID.class), row.get("version", Long.class)))
                .all();
    }

    // ---- mapping -----------------------------------------------------------------------------

    private static String where(ItemQuery query) {
        StringBuilder where = new StringBuilder(" WHERE true");
        if (query.owner() != null) {
            where.append(" AND j.owner = :owner");
        }
        if (query.status() != null) {
            where.append(" AND j.status = :status");
        }
        return where.toString();
    }

    /** {@link #where(ItemQuery)} over the count rows, which have the same names without the alias. */
    private static String countWhere(ItemQuery query) {
        return (query.owner() != null ? " WHERE owner = :owner" : " WHERE true")
                + (query.status() != null ? " AND status = :status" : "");
    }

    private static Map<String, Object> whereParams(ItemQuery query) {
        Map<String, Object> params = new HashMap<>();
        if (query.owner() != null) {
            params.put("owner", query.owner());
        }
        if (query.status() != null) {
            params.put("status", query.status().json());
        }
        return params;
    }

    static JobRow job(Readable row) {
        return new JobRow(
                row.get("id", UUID.class),
                row.get("media_item_id", UUID.class),
                row.get("owner", String.class),
                JobStatus.fromJson(row.get("status", String.class)),
                row.get("run", Integer.class),
                row.get("priority", Integer.class),
                row.get("attempts", Integer.class),
                row.get("max_attempts", Integer.class),
                row.get("last_error", String.class),
                Operation.parseList(row.get("operations", String.class)),
                row.get("project_id", String.class),
                row.get("batch_id", String.class),
                row.get("queued_at", Instant.class),
                row.get("started_at", Instant.class),
                row.get("completed_at", Instant.class),
                row.get("duration_ms", Long.class));
    }

    static MediaItemRow mediaWithId(Readable row, UUID id) {
        return new MediaItemRow(
                id,
                row.get("m_owner", String.class),
                row.get("original_filename", String.class),
                MediaType.fromJson(row.get("media_type", String.class)),
                row.get("file_size", Long.class),
                row.get("sha256", String.class),
                row.get("input_path", String.class),
                row.get("output_dir", String.class),
                row.get("m_created_at", Instant.class),
                row.get("m_expired_at", Instant.class));
    }

    static MediaItemRow media(Readable row) {
        return mediaWithId(row, row.get("id", UUID.class));
    }

    static JobWithMedia jobWithMedia(Readable row) {
        JobRow job = job(row);
        return new JobWithMedia(job, mediaWithId(row, job.mediaItemId()));
    }

    static TaskRow task(Readable row) {
        return new TaskRow(
                row.get("job_id", UUID.class),
                WorkerKind.fromJson(row.get("worker", String.class)),
                row.get("run", Integer.class),
                row.get("attempt", Integer.class),
                TaskStatus.fromDb(row.get("status", String.class)),
                row.get("progress", Integer.class),
                row.get("last_error", String.class),
                row.get("error_rank", Integer.class),
                row.get("worker_id", String.class),
                row.get("started_at", Instant.class),
                row.get("finished_at", Instant.class),
                row.get("duration_ms", Long.class));
    }

    static String joinOperations(List<Operation> operations) {
        return operations.stream().map(Operation::json).collect(Collectors.joining(","));
    }

    private static Parameter nullable(Object value, Class<?> type) {
        return Parameter.fromOrEmpty(value, type);
    }

    private static Map<String, Object> params(Object... namesAndValues) {
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return params;
    }
}
