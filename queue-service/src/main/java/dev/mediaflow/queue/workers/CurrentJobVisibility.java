package dev.mediaflow.queue.workers;

import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.web.Caller;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.UUID;

/**
 * Worker status is for everyone, but a job id names another owner's work (docs/api.md, "The basics": a user sees
 * only what it owns). Admin sees every {@code currentJob}; a user sees it only when the job is its own, and
 * {@code null} otherwise, so the status cannot be used to learn other owners' job ids.
 */
@Component
public class CurrentJobVisibility {

    private final JobStore jobs;

    public CurrentJobVisibility(JobStore jobs) {
        this.jobs = jobs;
    }

    public Mono<WorkerStatusResponse> forCaller(WorkerStatusResponse status, Caller caller) {
        if (caller.admin()) {
            return Mono.just(status);
        }
        return Flux.fromIterable(status.workers())
                .concatMap(worker -> ownJob(worker.currentJob(), caller.owner())
                        .map(own -> own ? worker : withoutCurrentJob(worker)))
                .collectList()
                .map(workers -> new WorkerStatusResponse(status.running(), status.processing(), workers));
    }

    private Mono<Boolean> ownJob(String jobId, String owner) {
        if (jobId == null) {
            return Mono.just(true);
        }
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException notAJobId) {
            return Mono.just(false);
        }
        return jobs.findItem(id, owner).hasElement();
    }

    private static WorkerView withoutCurrentJob(WorkerView worker) {
        return new WorkerView(worker.id(), worker.kind(), worker.state(), null, worker.processed(), worker.failed(),
                worker.lastHeartbeat());
    }
}
