package dev.mediaflow.gateway.proxy;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Live {@code /events} streams hold a connection to queue-service for as long as they last, so they
 * are rationed (issue 12, section 3): at most {@code MEDIAFLOW_MAX_STREAMS_PER_OWNER} per owner (429
 * past it), at most {@code MEDIAFLOW_MAX_STREAMS} in all (503 past it; it is also the size of their
 * own connection pool in {@link QueueServiceClient}, apart from the pool of ordinary calls), and
 * each ends after {@code MEDIAFLOW_STREAM_MAX_LIFETIME}: the client reconnects with
 * {@code Last-Event-ID} and misses nothing, while a forgotten stream cannot hold its slot forever.
 * A slot is given back when the stream ends, fails or the client goes away.
 */
@Component
public class EventStreamLimits {

    private static final Logger log = LoggerFactory.getLogger(EventStreamLimits.class);
    private static final Pattern EVENTS_PATH = Pattern.compile("/api/queue/items/[^/]+/events");

    private final int perOwner;
    private final int total;
    private final Duration lifetime;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final AtomicInteger openTotal = new AtomicInteger();

    public EventStreamLimits(GatewayProperties properties) {
        this.perOwner = properties.maxStreamsPerOwner();
        this.total = properties.maxStreams();
        this.lifetime = properties.streamMaxLifetime();
    }

    public static boolean isEventStream(URI uri) {
        return EVENTS_PATH.matcher(uri.getRawPath()).matches();
    }

    /**
     * Takes a slot for the caller, opens the stream with {@code upstream}, and cuts its body at the
     * maximum lifetime; the slot is released exactly once, when the body ends or the open fails.
     */
    public Mono<UpstreamResponse> open(Caller caller, Mono<UpstreamResponse> upstream) {
        return Mono.defer(() -> {
            Slot slot = take(caller.owner());
            return upstream
                    .map(response -> new UpstreamResponse(response.status(), response.headers(),
                            response.body().take(lifetime).doFinally(signal -> slot.release())))
                    .doOnError(e -> slot.release())
                    .doOnCancel(slot::release);
        });
    }

    private Slot take(String owner) {
        if (openTotal.incrementAndGet() > total) {
            openTotal.decrementAndGet();
            log.warn("Refusing a live stream for {}: all {} stream connections are in use", owner, total);
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "too_many_streams",
                    "the gateway holds as many live streams as it may; try again shortly");
        }
        int[] now = {0};
        open.compute(owner, (o, count) -> {
            now[0] = count == null ? 1 : count + 1;
            return now[0];
        });
        if (now[0] > perOwner) {
            release(owner);
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too_many_streams",
                    owner + " already holds " + perOwner + " live event streams; close one first");
        }
        return new Slot(owner);
    }

    private void release(String owner) {
        open.computeIfPresent(owner, (o, count) -> count == 1 ? null : count - 1);
        openTotal.decrementAndGet();
    }

    private final class Slot {
        private final String owner;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String owner) {
            this.owner = owner;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                EventStreamLimits.this.release(owner);
            }
        }
    }
}
