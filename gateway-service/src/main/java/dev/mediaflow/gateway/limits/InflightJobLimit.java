package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.proxy.QueueServiceCalls;
import dev.mediaflow.gateway.publish.SubmissionSpool;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.http.CallerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code MEDIAFLOW_MAX_INFLIGHT_PER_OWNER}: an owner with that many jobs queued, pending or
 * processing gets 429 for new uploads, so one bulk import cannot starve everyone else's.
 *
 * <p>How the gateway knows the count: queue-service's PostgreSQL record is the truth (it survives
 * every restart), read through the owner's own {@code GET /api/queue/stats}, asked as a user of that name even for
 * an admin (whose stats would be everyone's jobs: an admin's upload was refused once all owners together had
 * {@code MEDIAFLOW_MAX_INFLIGHT_PER_OWNER} jobs in flight). Two things it cannot
 * know yet are added from here: jobs still in this gateway's spool (the broker was away, so
 * queue-service never heard of them; the spool is on disk, so this survives a restart too), and
 * uploads of this owner being received at this moment (a reservation, held until the upload ends),
 * so parallel uploads cannot all slip under the cap together. A job confirmed a moment ago that
 * queue-service has not recorded yet may be missed for those milliseconds; the cap is a fairness
 * limit, not an exact quota. With queue-service down the check counts what the gateway knows and
 * lets the upload through: uploads keep working into the spool, as the contract promises.
 *
 * <p>The record is not read for every upload: {@link RecordedJobsInFlight} remembers it for
 * {@code MEDIAFLOW_INFLIGHT_COUNT_TTL} and adds the uploads this gateway accepted since; a request that ends
 * any other way forgets it, and a refusal is always confirmed by a fresh read.
 */
@Component
public class InflightJobLimit {

    private static final Logger log = LoggerFactory.getLogger(InflightJobLimit.class);
    private static final String STATS = "/api/queue/stats";
    private static final List<String> IN_FLIGHT = List.of("queued", "processing", "pending");

    private final int maxPerOwner;
    private final QueueServiceCalls queueService;
    private final SubmissionSpool spool;
    private final RecordedJobsInFlight recorded;
    private final Map<String, Integer> receiving = new ConcurrentHashMap<>();

    public InflightJobLimit(GatewayProperties properties, QueueServiceCalls queueService, SubmissionSpool spool) {
        this.maxPerOwner = properties.maxInflightPerOwner();
        this.queueService = queueService;
        this.spool = spool;
        this.recorded = new RecordedJobsInFlight(this::read, properties.inflightCountTtl(), System::nanoTime);
    }

    /**
     * A reservation for one upload; 429 when the owner is at the cap. End it with {@link Reservation#accepted()}
     * when the upload made its job, else with {@link Reservation#release()}.
     */
    public Mono<Reservation> reserve(Caller caller) {
        String owner = caller.owner();
        return Mono.defer(() -> {
            Reservation reservation = new Reservation(owner);
            return recorded.count(caller)
                    .flatMap(counted -> counted.remembered() && inFlight(owner, counted.count()) >= maxPerOwner
                            ? recorded.fresh(caller) : Mono.just(counted))
                    .zipWith(spooled(owner), (counted, spooled) -> counted.count() + spooled)
                    .map(known -> {
                        long inFlight = inFlight(owner, known);
                        if (inFlight >= maxPerOwner) {
                            reservation.release();
                            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS.value(), "too_many_jobs_in_flight",
                                    owner + " has " + inFlight + " jobs queued or processing, the limit is "
                                            + maxPerOwner + "; wait for some to finish");
                        }
                        return reservation;
                    })
                    .doOnCancel(reservation::release)
                    .doOnError(e -> reservation.release());
        });
    }

    /** {@code known} plus this owner's other uploads being received now (the reservation's own not counted). */
    private long inFlight(String owner, long known) {
        return known + receiving.getOrDefault(owner, 1) - 1;
    }

    /**
     * queued + processing + pending of this owner as queue-service records them; 0 when it cannot say (not
     * remembered then).
     */
    private Mono<Long> read(Caller caller) {
        String owner = caller.owner();
        // asked as a user of that name: an admin's own stats are everyone's jobs, and the cap is on the admin's own
        return queueService.call(HttpMethod.GET, STATS, new Caller(owner, CallerRole.USER))
                .map(answer -> {
                    if (!answer.isSuccess()) {
                        throw new IllegalStateException("stats answered " + answer.status());
                    }
                    Stats stats = answer.read(Stats.class);
                    return IN_FLIGHT.stream().map(stats.stats()::get).filter(Objects::nonNull)
                            .mapToLong(Long::longValue).sum();
                })
                .onErrorResume(e -> {
                    log.warn("Cannot read {}'s jobs in flight from queue-service ({}); counting only what "
                            + "this gateway holds", owner, e.getMessage());
                    recorded.forget(owner);
                    return Mono.just(0L);
                });
    }

    private Mono<Long> spooled(String owner) {
        return Mono.fromCallable(() -> spool.jobsOf(owner)).subscribeOn(Schedulers.boundedElastic());
    }

    record Stats(Map<String, Long> stats) {
        Stats {
            stats = stats == null ? Map.of() : stats;
        }
    }

    /** One upload (or other request that makes work) being received; counts against its owner until it ends. */
    public final class Reservation {
        private final String owner;
        private final AtomicBoolean released = new AtomicBoolean();

        private Reservation(String owner) {
            this.owner = owner;
            receiving.merge(owner, 1, Integer::sum);
        }

        /** The upload made its one job: counted on top of the owner's remembered count from now on. */
        public void accepted() {
            if (end()) {
                recorded.accepted(owner);
            }
        }

        /** The request ended any other way (refused, failed, or work made that is not one counted upload). */
        public void release() {
            if (end()) {
                recorded.forget(owner);
            }
        }

        private boolean end() {
            if (!released.compareAndSet(false, true)) {
                return false;
            }
            receiving.computeIfPresent(owner, (o, count) -> count == 1 ? null : count - 1);
            return true;
        }
    }
}
