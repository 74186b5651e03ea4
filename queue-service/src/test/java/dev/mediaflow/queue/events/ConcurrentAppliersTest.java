package dev.mediaflow.queue.events;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Rows;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, defect 2: several consumers apply events of one job at the same time; whichever commit
 * finishes its Redis write last, Redis must end at what PostgreSQL committed last.
 */
class ConcurrentAppliersTest extends ApiTest {

    private static final int JOBS = 40;

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    DatabaseClient db;

    @Test
    void eventsOfOneJobAppliedConcurrentlyLeaveRedisAtTheLastCommittedState() {
        List<Events> jobs = IntStream.range(0, JOBS).mapToObj(i -> Events.allOperations(unique("race"))).toList();

        Flux.fromIterable(jobs)
                .flatMap(e -> Flux.fromIterable(story(e))
                        .flatMap(event -> applier.apply(event).subscribeOn(Schedulers.parallel()))
                        .then(), 4)
                .blockLast(Duration.ofSeconds(120));

        List<String> wrong = new ArrayList<>();
        for (Events e : jobs) {
            Map<String, Object> job = Rows.of(db, e.jobId, e.mediaItemId).job();
            Map<String, String> hash = redis.<String, String>opsForHash().entries(keys.job(e.jobId))
                    .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
            if (!job.get("status").equals(hash.get("status"))
                    || !job.get("attempts").toString().equals(hash.get("attempts"))
                    || !"50".equals(hash.get("progress"))) {
                wrong.add(e.jobId + ": postgres " + job.get("status") + "/" + job.get("attempts")
                        + ", redis " + hash.get("status") + "/" + hash.get("attempts") + "/" + hash.get("progress"));
            }
        }
        assertThat(wrong).as("jobs whose Redis status is not the committed one").isEmpty();
    }

    /** Every event of the job is in flight at once: submitted, both tasks started, then image at 100%. */
    private static List<JobEvent> story(Events e) {
        return List.of(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.started(WorkerKind.VISION, 1, 2),
                e.progress(WorkerKind.IMAGE, 1, 100, 3));
    }
}
