package dev.mediaflow.gateway.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code GET /health/metrics} (seed {@code 004}): the gateway's own counters as one small JSON document, for a
 * human or a script without Prometheus. Every number is read from the Micrometer registry that
 * {@code /actuator/prometheus} also exports, so the two never disagree and nothing is counted twice. Counts since
 * this gateway started; like {@code /health}, it needs no key and holds no owner, id or path.
 */
@RestController
class GatewayMetricsSummary {

    private final MeterRegistry registry;

    GatewayMetricsSummary(MeterRegistry registry) {
        this.registry = registry;
    }

    @GetMapping("/health/metrics")
    Map<String, Object> metrics() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", "gateway");
        body.put("timestamp", Instant.now());
        body.put("uploads", uploads());
        body.put("publishes", byTag("mediaflow.publish", "outcome"));
        body.put("spoolJobs", gauge("mediaflow.spool.jobs"));
        body.put("storage", Map.of("freeBytes", gauge("mediaflow.storage.free"),
                "totalBytes", gauge("mediaflow.storage.total")));
        body.put("responses", responses());
        body.put("fileCleanup", fileCleanup());
        return body;
    }

    /** {@code mediaflow_uploads_total} by outcome and by media type, and the accepted bytes. */
    private Map<String, Object> uploads() {
        Map<String, Object> uploads = new LinkedHashMap<>();
        Map<String, Long> byOutcome = byTag("mediaflow.uploads", "outcome");
        uploads.put("total", byOutcome.values().stream().mapToLong(Long::longValue).sum());
        uploads.put("byOutcome", byOutcome);
        Map<String, Map<String, Long>> byType = new TreeMap<>();
        for (Counter counter : registry.find("mediaflow.uploads").counters()) {
            byType.computeIfAbsent(counter.getId().getTag("media_type"), t -> new TreeMap<>())
                    .merge(counter.getId().getTag("outcome"), Math.round(counter.count()), Long::sum);
        }
        uploads.put("byMediaType", byType);
        DistributionSummary accepted = registry.find("mediaflow.upload").summary();
        uploads.put("acceptedBytes", accepted == null ? 0 : Math.round(accepted.totalAmount()));
        return uploads;
    }

    /**
     * Every answer of the gateway by status ({@code http_server_requests_seconds}), the refusals among them (4xx:
     * a missing key, a rate limit, a too large upload...) and the server errors (5xx).
     */
    private Map<String, Object> responses() {
        Map<String, Long> byStatus = new TreeMap<>();
        for (Timer timer : registry.find("http.server.requests").timers()) {
            byStatus.merge(String.valueOf(timer.getId().getTag("status")), timer.count(), Long::sum);
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("total", byStatus.values().stream().mapToLong(Long::longValue).sum());
        responses.put("refusals", sumWhere(byStatus, status -> status.startsWith("4")));
        responses.put("serverErrors", sumWhere(byStatus, status -> status.startsWith("5")));
        responses.put("byStatus", byStatus);
        return responses;
    }

    private Map<String, Object> fileCleanup() {
        Map<String, Object> cleanup = new LinkedHashMap<>();
        Map<String, Map<String, Long>> runs = new TreeMap<>();
        for (Counter counter : registry.find("mediaflow.file.cleanups").counters()) {
            runs.computeIfAbsent(counter.getId().getTag("trigger"), t -> new TreeMap<>())
                    .merge(counter.getId().getTag("outcome"), Math.round(counter.count()), Long::sum);
        }
        cleanup.put("runs", runs);
        cleanup.put("removedFiles", counter("mediaflow.file.cleanup.removed.files"));
        cleanup.put("freedBytes", counter("mediaflow.file.cleanup.freed"));
        return cleanup;
    }

    private Map<String, Long> byTag(String name, String tag) {
        Map<String, Long> counts = new TreeMap<>();
        for (Counter counter : registry.find(name).counters()) {
            counts.merge(counter.getId().getTag(tag), Math.round(counter.count()), Long::sum);
        }
        return counts;
    }

    private long counter(String name) {
        Counter counter = registry.find(name).counter();
        return counter == null ? 0 : Math.round(counter.count());
    }

    /** A gauge's value now; null when this gateway has no such gauge or it cannot say. */
    private Long gauge(String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null || Double.isNaN(gauge.value()) ? null : Math.round(gauge.value());
    }

    private static long sumWhere(Map<String, Long> byStatus, Function<String, Boolean> matches) {
        return byStatus.entrySet().stream().filter(e -> matches.apply(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }
}
