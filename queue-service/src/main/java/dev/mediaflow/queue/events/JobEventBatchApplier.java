package dev.mediaflow.queue.events;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.observability.LogContext;
import dev.mediaflow.queue.attempts.AttemptLog;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.meters.EventMeters;
import dev.mediaflow.queue.status.ItemSnapshot;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.SavedChange;
import dev.mediaflow.queue.store.JobForEvent;
import dev.mediaflow.queue.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies a batch of status events in one transaction (issue 14, section 3): one commit, so one WAL flush and one
 * {@code BEGIN}/{@code COMMIT}, for the batch instead of one per event, which is what left queue-service minutes
 * behind a burst of short tasks. What its jobs need is read in five statements at most whatever their number: their
 * locks, in the order of their ids, so two batches that share jobs wait for each other instead of deadlocking; the
 * jobs with their media items; the jobs that its {@code job.submitted} events bring, inserted (two); their tasks. A
 * job's events are then applied in the order they were delivered, folded on that state ({@link JobEventFold}, each
 * event's change keeping a version of its own), and the attempts log, every changed task and every changed job are
 * written with one statement each ({@link JobWrites}): about a dozen statements a batch, where each job took four to
 * six and each task event one more. After the writes the batch's new results are saved, their media items in the
 * order of their ids ({@link NewResults}), the changed jobs are marked pending in Redis (one call for the batch,
 * after its last write, so a write that fails leaves no mark), and one read of the results and one of the attempts
 * logs serve the snapshots of all (two statements a batch instead of two an event). Redis hears of the changes only
 * after the commit: all the batch's snapshots in one script call, each job's in the order of their versions (so its
 * stream sees every change, as with one transaction per event). A lone event goes the same way: its reads and
 * writes are fewer statements than one event at a time takes.
 *
 * <p>A malformed event is parked before the batch starts. If the batch fails, nothing of it was committed, and its
 * events are applied again one by one, each in a transaction of its own: an event that the database refuses is
 * then parked alone and the others commit. When one of them fails for another reason (the database is down, a
 * timeout), it and the events after it are requeued untried.
 */
@Service
public class JobEventBatchApplier {

    private static final Logger log = LoggerFactory.getLogger(JobEventBatchApplier.class);

    private final JobEventApplier applier;
    private final JobEventFold fold;
    private final JobStore store;
    private final AttemptLog attempts;
    private final JobSnapshots snapshots;
    private final TransactionalOperator tx;
    private final MediaflowProperties properties;
    private final EventMeters meters;

    public JobEventBatchApplier(JobEventApplier applier, JobEventFold fold, JobStore store, AttemptLog attempts,
                                JobSnapshots snapshots, TransactionalOperator tx, MediaflowProperties properties,
                                EventMeters meters) {
        this.applier = applier;
        this.fold = fold;
        this.store = store;
        this.attempts = attempts;
        this.snapshots = snapshots;
        this.tx = tx;
        this.properties = properties;
        this.meters = meters;
    }

    /** @return the outcome of each event, in the order of {@code batch} */
    public Mono<List<EventOutcome>> apply(List<ReceivedEvent> batch) {
        return Mono.defer(() -> {
            EventOutcome[] outcomes = new EventOutcome[batch.size()];
            List<Integer> positions = new ArrayList<>();
            List<JobEvent> prepared = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                try {
                    prepared.add(applier.prepared(batch.get(i).event()));
                    positions.add(i);
                } catch (MalformedEventException e) {
                    outcomes[i] = EventOutcome.failed(e);
                }
            }
            List<ReceivedEvent> good = positions.stream().map(batch::get).toList();
            Mono<List<EventOutcome>> applied = good.isEmpty()
                    ? Mono.just(List.of())
                    : together(good, prepared).doOnSuccess(committed -> meters.batch(true)).onErrorResume(e -> {
                        meters.batch(false);
                        log.warn("A batch of {} status events failed as a whole ({}); applying them one by one",
                                good.size(), e.toString());
                        return oneByOne(good);
                    });
            return applied.map(results -> {
                for (int k = 0; k < results.size(); k++) {
                    outcomes[positions.get(k)] = results.get(k);
                }
                return Arrays.asList(outcomes);
            });
        });
    }

    private Mono<List<EventOutcome>> together(List<ReceivedEvent> batch, List<JobEvent> events) {
        // the positions of each job's events in the batch; the jobs in the order of their ids, the lock order
        SortedMap<UUID, List<Integer>> byJob = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            byJob.computeIfAbsent(events.get(i).jobId(), id -> new ArrayList<>()).add(i);
        }
        List<UUID> jobIds = List.copyOf(byJob.keySet());
        // each event's position among its job's changes, or -1
        int[] changeOf = new int[events.size()];
        NewResults newResults = new NewResults();
        JobWrites writes = new JobWrites();
        Mono<Void> folded = read(jobIds, byJob, events)
                .flatMapMany(jobsRead -> Flux.fromIterable(byJob.entrySet()).concatMap(job -> {
                    List<Integer> positions = job.getValue();
                    JobEventFold.EventContext context = new JobEventFold.EventContext() {
                        @Override
                        public <T> Mono<T> around(int k, Mono<T> work) {
                            return inContext(batch.get(positions.get(k)), work);
                        }
                    };
                    return fold.apply(jobsRead.get(job.getKey()), positions.stream().map(events::get).toList(), context,
                                    newResults, writes)
                            .doOnNext(ofJob -> {
                                for (int k = 0; k < positions.size(); k++) {
                                    changeOf[positions.get(k)] = ofJob.get(k);
                                }
                            });
                }))
                .then();
        // the snapshots, taken after the last write of the batch with one read for all its jobs
        Mono<List<Optional<ItemSnapshot>>> changes = folded
                .then(Mono.defer(() -> writes.save(store, attempts)))
                .map(savedByJob -> {
                    List<Optional<SavedChange>> saved = new ArrayList<>(events.size());
                    for (int i = 0; i < events.size(); i++) {
                        List<SavedChange> ofJob = savedByJob.getOrDefault(events.get(i).jobId(), List.of());
                        saved.add(changeOf[i] < 0 || changeOf[i] >= ofJob.size() ? Optional.empty()
                                : Optional.of(ofJob.get(changeOf[i])));
                    }
                    return saved;
                })
                .flatMap(saved -> newResults.save(store, snapshots)
                        .then(Mono.defer(() -> snapshots.markPending(
                                saved.stream().flatMap(Optional::stream).toList())))
                        .then(Mono.defer(() -> snapshots.itemsOf(saved))));
        return tx.transactional(changes)
                .flatMap(taken -> mirrored(byJob, taken))
                .timeout(properties.eventTimeout());
    }

    /**
     * What the batch's jobs need before their events are folded, in five statements at most whatever their number:
     * their locks, in the order of their ids; the jobs with their media items and whether they were deleted; the jobs
     * not recorded yet that a {@code job.submitted} of the batch brings, inserted; and the tasks of all, locked.
     */
    private Mono<Map<UUID, JobInBatch>> read(List<UUID> jobIds, SortedMap<UUID, List<Integer>> byJob,
                                            List<JobEvent> events) {
        return store.lockJobs(jobIds)
                .then(store.findJobsForEvents(jobIds))
                .flatMap(found -> {
                    List<JobSubmission> toInsert = new ArrayList<>();
                    for (UUID jobId : jobIds) {
                        JobForEvent job = found.get(jobId);
                        if (!job.deleted() && job.job() == null) {
                            byJob.get(jobId).stream().map(events::get)
                                    .filter(e -> e.type() == EventType.JOB_SUBMITTED).findFirst()
                                    .ifPresent(submitted -> toInsert.add(submitted.submission()));
                        }
                    }
                    return store.insertSubmissions(toInsert).flatMap(inserted -> store.findTasksForUpdate(jobIds)
                            .collectMultimap(TaskRow::jobId)
                            .map(tasks -> {
                                Map<UUID, JobInBatch> read = new HashMap<>();
                                found.forEach((jobId, job) -> read.put(jobId, new JobInBatch(job,
                                        List.copyOf(tasks.getOrDefault(jobId, List.of())), inserted.get(jobId))));
                                return read;
                            }));
                });
    }

    /**
     * After the commit, what {@link JobEventApplier#mirror} does for one event, for the whole batch: its snapshots
     * in one script call ({@link JobSnapshots#writeAll}, a few hundred a call), each job's in the order of its
     * versions, so its stream hears every change in order (the script writes them one after the other, each taken
     * or refused as if alone). One Redis round trip for the batch where there was one an event.
     *
     * @return each event's outcome: applied when it changed its job
     */
    private Mono<List<EventOutcome>> mirrored(SortedMap<UUID, List<Integer>> byJob,
                                              List<Optional<ItemSnapshot>> taken) {
        List<ItemSnapshot> inVersionOrder = new ArrayList<>();
        byJob.values().forEach(positions -> positions.forEach(i -> taken.get(i).ifPresent(inVersionOrder::add)));
        List<EventOutcome> outcomes = taken.stream().map(snapshot -> EventOutcome.applied(snapshot.isPresent()))
                .toList();
        return snapshots.writeAll(inVersionOrder).then(Mono.just(outcomes));
    }

    private Mono<List<EventOutcome>> oneByOne(List<ReceivedEvent> batch) {
        AtomicReference<EventOutcome> stopped = new AtomicReference<>();
        return Flux.fromIterable(batch)
                .concatMap(received -> {
                    EventOutcome earlier = stopped.get();
                    if (earlier != null) {
                        return Mono.just(EventOutcome.requeue("not tried after an earlier event of its batch "
                                + "failed: " + earlier.why(), null));
                    }
                    return inContext(received, Mono.defer(() -> applier.apply(received.event()))
                            .timeout(properties.eventTimeout())
                            .defaultIfEmpty(false))
                            .map(EventOutcome::applied)
                            .onErrorResume(e -> Mono.just(EventOutcome.failed(e)))
                            .doOnNext(outcome -> {
                                if (outcome.kind() == EventOutcome.Kind.REQUEUE) {
                                    stopped.set(outcome);
                                }
                            });
                })
                .collectList();
    }

    /** The event's correlation id and job id in MDC wherever its application logs. */
    private static <T> Mono<T> inContext(ReceivedEvent received, Mono<T> work) {
        UUID jobId = received.event().jobId();
        return work.contextWrite(context -> with(with(context, LogContext.CORRELATION_ID, received.correlationId()),
                LogContext.JOB_ID, jobId == null ? null : jobId.toString()));
    }

    private static Context with(Context context, String key, String value) {
        return value == null ? context.delete(key) : context.put(key, value);
    }
}
