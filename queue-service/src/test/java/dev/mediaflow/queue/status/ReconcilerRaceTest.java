package dev.mediaflow.queue.status;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, defect 2: Redis is rebuilt (after it lost its data) while the event listeners run. The
 * old start-up rebuild read its jobs without a lock and wrote them later, over newer states.
 */
class ReconcilerRaceTest extends ApiTest {

    private static final int JOBS = 120;

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    DatabaseClient db;
    @Autowired
    StatusReconciler reconciler;

    @Test
    void aReconcilePassWhileEventsAreAppliedNeverLeavesAnOlderSnapshot() {
        List<Events> jobs = IntStream.range(0, JOBS).mapToObj(i -> Events.allOperations(unique("flush"))).toList();
        jobs.forEach(e -> apply(e.submitted()));
        // Redis lost everything
        Flux.fromIterable(jobs).concatMap(e -> redis.delete(keys.job(e.jobId))).blockLast(WAIT);

        Mono<Long> pass = reconciler.reconcile().subscribeOn(Schedulers.boundedElastic());
        Mono<Void> events = Flux.fromIterable(jobs)
                .flatMap(e -> applier.apply(e.started(WorkerKind.IMAGE, 1, 1)), 4)
                .then()
                .subscribeOn(Schedulers.boundedElastic());
        Mono.when(pass, events).block(Duration.ofSeconds(120));

        List<String> wrong = new ArrayList<>();
        for (Events e : jobs) {
            Map<String, String> hash = redis.<String, String>opsForHash().entries(keys.job(e.jobId))
                    .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
            String status = db.sql("SELECT status FROM jobs WHERE id = :id").bind("id", e.jobId)
                    .mapValue(String.class).one().block(WAIT);
            if (!status.equals(hash.get("status"))) {
                wrong.add(e.jobId + ": postgres " + status + ", redis " + hash.get("status"));
            }
        }
        assertThat(wrong).as("jobs whose Redis status is older than the committed one").isEmpty();
    }
}
