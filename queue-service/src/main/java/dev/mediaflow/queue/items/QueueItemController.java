package dev.mediaflow.queue.items;

import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.messages.SeedJobStatus;
import dev.mediaflow.queue.web.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** docs/api.md, "Queue items". */
@RestController
@RequestMapping("/api/queue")
public class QueueItemController {

    private final QueueItemReader reader;
    private final JobActions actions;

    public QueueItemController(QueueItemReader reader, JobActions actions) {
        this.reader = reader;
        this.actions = actions;
    }

    @GetMapping("/items/{queueId}")
    public Mono<QueueItem> item(@PathVariable String queueId, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> ItemQueryParser.queueId(queueId)).flatMap(id -> reader.item(id, caller));
    }

    /** The same item in the shape of the seed's job status ({@link SeedJobStatus}). */
    @GetMapping("/status/{queueId}")
    public Mono<SeedJobStatus> status(@PathVariable String queueId, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return item(queueId, caller).map(SeedJobStatus::of);
    }

    @GetMapping("/items")
    public Mono<ItemListResponse> list(@RequestParam(required = false) String status,
                                       @RequestParam(required = false) String limit,
                                       @RequestParam(required = false) String offset,
                                       @RequestParam(required = false) String orderBy,
                                       @RequestParam(required = false) String orderDirection,
                                       @RequestParam(required = false) String after,
                                       @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> ItemQueryParser.parse(caller, status, limit, offset, orderBy, orderDirection,
                        after))
                .flatMap(reader::list);
    }

    @GetMapping("/stats")
    public Mono<StatsResponse> stats(@RequestParam(required = false) String projectId,
                                     @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return reader.stats(caller, projectId);
    }

    @PostMapping("/items/{queueId}/cancel")
    public Mono<ActionResponse> cancel(@PathVariable String queueId, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> ItemQueryParser.queueId(queueId))
                .flatMap(id -> actions.cancel(id, caller))
                .map(job -> new ActionResponse(true, job.id(), "Queue item cancelled"));
    }

    @PostMapping("/items/{queueId}/retry")
    public Mono<ActionResponse> retry(@PathVariable String queueId, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> ItemQueryParser.queueId(queueId))
                .flatMap(id -> actions.retry(id, caller))
                .map(job -> new ActionResponse(true, job.id(), "Queue item will be retried"));
    }
}
