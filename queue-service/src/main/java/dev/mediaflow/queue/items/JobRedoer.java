package dev.mediaflow.queue.items;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.web.Caller;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/queue/redo}: runs some operations of a job's media item again, as a new job of their own.
 * The item's other results stay: a worker replaces only the files of the operations it runs, and the
 * results table only their rows. The new job keeps the project, batch and attempts of the job it redoes,
 * and its priority unless the request names one.
 */
@Service
public class JobRedoer {

    private final JobStore store;
    private final JobEnqueuer enqueuer;

    public JobRedoer(JobStore store, JobEnqueuer enqueuer) {
        this.store = store;
        this.enqueuer = enqueuer;
    }

    public Mono<JobRow> redo(RedoRequest request, Caller caller) {
        return Mono.defer(() -> {
            UUID queueId = RequestFields.queueId(request.queueId());
            List<Operation> operations = RequestFields.operations(request.operations());
            Integer priority = RequestFields.priority(request.priority());
            return store.findJob(queueId)
                    .filter(job -> caller.canSee(job.owner()))
                    .switchIfEmpty(Mono.error(() -> ApiException.notFound("no queue item " + queueId)))
                    .flatMap(job -> enqueuer.enqueue(job.mediaItemId(), new NewJob(operations, job.maxAttempts(),
                            priority != null ? priority : job.priority(), job.projectId(), job.batchId()), caller));
        });
    }
}
