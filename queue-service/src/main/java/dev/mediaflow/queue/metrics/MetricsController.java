package dev.mediaflow.queue.metrics;

import dev.mediaflow.queue.web.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;

/** docs/api.md: {@code GET /api/queue/metrics}, over the caller's jobs (admin: all). */
@RestController
public class MetricsController {

    private final MetricsStore store;
    private final Clock clock;

    public MetricsController(MetricsStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @GetMapping("/api/queue/metrics")
    public Mono<MetricsResponse> metrics(@RequestParam(required = false) String timeRange,
                                         @RequestParam(required = false) String projectId,
                                         @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> new MetricsFilter(caller.ownerFilter(),
                        projectId == null || projectId.isBlank() ? null : projectId,
                        TimeRange.parse(timeRange).since(clock.instant())))
                .flatMap(store::stats)
                .map(stats -> new MetricsResponse(true, stats));
    }
}
