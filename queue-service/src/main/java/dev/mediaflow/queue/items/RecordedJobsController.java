package dev.mediaflow.queue.items;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.InternalJobsApi;
import dev.mediaflow.messages.InternalJobsApi.JobIds;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.web.Caller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;

/**
 * Which of a set of jobs this service has recorded ({@link InternalJobsApi#RECORDED}): the gateway asks once per
 * round for the jobs it published, and forgets its own record of those answered. One statement for the whole
 * round; a job deleted since counts as recorded, as queue-service then answers for it (with 404, as deleted).
 */
@RestController
class RecordedJobsController {

    private final JobStore store;

    RecordedJobsController(JobStore store) {
        this.store = store;
    }

    @PostMapping(InternalJobsApi.RECORDED)
    Mono<JobIds> recorded(@RequestBody JobIds asked, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        if (!caller.admin()) {
            return Mono.error(ApiException.forbidden("only admin may ask which jobs are recorded"));
        }
        List<UUID> ids = asked.jobIds() == null ? List.of() : asked.jobIds();
        if (ids.contains(null)) {
            return Mono.error(ApiException.badRequest("jobIds must not hold null"));
        }
        if (ids.size() > InternalJobsApi.MAX_JOB_IDS) {
            return Mono.error(ApiException.badRequest("at most " + InternalJobsApi.MAX_JOB_IDS + " jobIds per call"));
        }
        if (ids.isEmpty()) {
            return Mono.just(new JobIds(List.of()));
        }
        return store.recordedAmong(ids).collectList().map(JobIds::new);
    }
}
