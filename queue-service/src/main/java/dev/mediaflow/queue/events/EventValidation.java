package dev.mediaflow.queue.events;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;

import java.util.stream.Collectors;

/** What an event must carry to be applied at all. */
final class EventValidation {

    private EventValidation() {
    }

    static void check(JobEvent event) {
        require(event.type() != null, "event has no type");
        require(event.jobId() != null, "event has no jobId");
        if (event.type() == EventType.JOB_SUBMITTED) {
            JobSubmission s = event.submission();
            require(s != null, "job.submitted without submission");
            require(event.jobId().equals(s.jobId()), "submission jobId differs from the event's");
            require(s.mediaItemId() != null, "submission has no mediaItemId");
            require(s.owner() != null && !s.owner().isBlank(), "submission has no owner");
            require(s.mediaType() != null, "submission has no mediaType");
            require(s.inputPath() != null && s.outputDir() != null, "submission has no paths");
            require(s.operations() != null && !s.operations().isEmpty(), "submission has no operations");
            require(PriorityRule.isValid(s.priority()), "priority out of 1..200: " + s.priority());
            require(s.maxAttempts() >= 1, "maxAttempts below 1");
            require(s.run() >= 1, "run below 1");
            require(s.createdAt() != null, "submission has no createdAt");
            require(!s.isDuplicate() || s.reusedResults() != null && s.reusedResults().keySet()
                            .equals(s.operations().stream().map(Operation::json).collect(Collectors.toSet())),
                    "a duplicate must reuse a result for each of its operations");
        } else {
            require(event.worker() != null, event.type().routingKey() + " without worker kind");
            require(event.run() >= 1, "run below 1");
            require(event.attempt() >= 1, "attempt below 1");
            require(event.results() == null || event.results().isEmpty() || event.mediaItemId() != null,
                    "results without mediaItemId");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new MalformedEventException(message);
        }
    }
}
