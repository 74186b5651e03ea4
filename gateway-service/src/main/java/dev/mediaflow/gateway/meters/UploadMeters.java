package dev.mediaflow.gateway.meters;

import dev.mediaflow.messages.MediaType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What became of each upload: {@code mediaflow_uploads_total{outcome,media_type}} and, for accepted ones, their
 * size in {@code mediaflow_upload_bytes}.
 *
 * <p>The outcome is read from the status the client really got, when the response is committed, so every way an
 * upload ends is counted the same, whether the controller, a body limit or the error handler answered:
 * {@code accepted} (202), {@code refused} (4xx: a rule said no, from a wrong type to a full owner quota) and
 * {@code failed} (5xx, or a connection that ended before any answer). {@code media_type} is what the bytes were
 * found to be ({@code photo}, {@code video}), or {@code unknown} when the upload ended before that was known. Every
 * combination exists from the start at 0.
 *
 * <p>Counted are the uploads that reach the upload handler: a request without a valid key (401) or past its key's
 * rate limit (429) is refused before it, and shows only in {@code http_server_requests_seconds}.
 */
@Component
public class UploadMeters {

    /** From a phone's small JPEG to the 100 MiB default limit and past it for raised limits. */
    static final double[] SIZE_BUCKETS = {
            16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024,
            64 * 1024 * 1024, 256 * 1024 * 1024, 1024 * 1024 * 1024};

    /** How an upload ended, as the {@code outcome} tag says it. */
    enum Outcome {
        ACCEPTED, REFUSED, FAILED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Outcome of(int status) {
            if (status >= 200 && status < 300) {
                return ACCEPTED;
            }
            return status >= 400 && status < 500 ? REFUSED : FAILED;
        }
    }

    static final String UNKNOWN = "unknown";

    private final Map<String, Counter> counters = new HashMap<>();
    private final DistributionSummary acceptedBytes;

    public UploadMeters(MeterRegistry registry) {
        for (Outcome outcome : Outcome.values()) {
            for (String type : new String[] {MediaType.PHOTO.json(), MediaType.VIDEO.json(), UNKNOWN}) {
                counters.put(key(outcome, type), Counter.builder("mediaflow.uploads")
                        .description("uploads by how they ended and what they were")
                        .tag("outcome", outcome.tag())
                        .tag("media_type", type)
                        .register(registry));
            }
        }
        this.acceptedBytes = DistributionSummary.builder("mediaflow.upload")
                .description("size of each accepted upload")
                .baseUnit("bytes")
                .serviceLevelObjectives(SIZE_BUCKETS)
                .register(registry);
    }

    /** Starts following one upload; its outcome is counted when {@code response} is committed, or abandoned. */
    public UploadTally track(ServerHttpResponse response) {
        UploadTally tally = new UploadTally(this);
        response.beforeCommit(() -> {
            tally.answered(response.getStatusCode() == null ? 200 : response.getStatusCode().value());
            return Mono.empty();
        });
        return tally;
    }

    /** Starts following one upload that is not a request of its own (one asset of an import); see {@link UploadTally#answered}. */
    public UploadTally track() {
        return new UploadTally(this);
    }

    void count(Outcome outcome, MediaType type, long acceptedSize) {
        counters.get(key(outcome, type == null ? UNKNOWN : type.json())).increment();
        if (outcome == Outcome.ACCEPTED && acceptedSize >= 0) {
            acceptedBytes.record(acceptedSize);
        }
    }

    private static String key(Outcome outcome, String type) {
        return outcome.tag() + "/" + type;
    }
}
