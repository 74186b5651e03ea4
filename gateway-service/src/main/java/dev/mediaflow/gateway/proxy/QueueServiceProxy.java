package dev.mediaflow.gateway.proxy;

import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.messages.SeedJobStatus;
import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.publish.JobDispatcher;
import dev.mediaflow.gateway.publish.JobDispatcher.PendingCancel;
import dev.mediaflow.gateway.publish.PublishedJobs;
import dev.mediaflow.gateway.publish.SubmissionSpool;
import dev.mediaflow.http.ApiException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/queue/**} and {@code GET /api/media/status} go to queue-service. Two additions for jobs this gateway accepted that
 * queue-service does not know yet (still spooled, or published while queue-service lags): such a
 * job is shown from the gateway's own record instead of a 404, also while queue-service is down;
 * and a job still in the spool is cancelled right here (pending -> cancelled).
 */
@Configuration(proxyBeanMethods = false)
public class QueueServiceProxy {

    private static final Pattern ITEM_PATH = Pattern.compile("/api/queue/items/([0-9a-fA-F-]{36})");
    private static final Pattern STATUS_PATH = Pattern.compile("/api/queue/status/([0-9a-fA-F-]{36})");
    private static final Pattern CANCEL_PATH = Pattern.compile("/api/queue/items/([0-9a-fA-F-]{36})/cancel");

    private final QueueServiceClient client;
    private final SubmissionSpool spool;
    private final JobDispatcher dispatcher;
    private final PublishedJobs published;
    private final EventStreamLimits streams;

    public QueueServiceProxy(QueueServiceClient client, SubmissionSpool spool, JobDispatcher dispatcher,
                             PublishedJobs published, EventStreamLimits streams) {
        this.client = client;
        this.spool = spool;
        this.dispatcher = dispatcher;
        this.published = published;
        this.streams = streams;
    }

    @Bean
    public RouterFunction<ServerResponse> queueServiceRoutes() {
        return RouterFunctions.route(RequestPredicates.path("/api/queue/**"), this::forward)
                .andRoute(RequestPredicates.GET("/api/media/status"), this::forward);
    }

    Mono<ServerResponse> forward(ServerRequest request) {
        return request.principal()
                .map(principal -> (Caller) ((Authentication) principal).getPrincipal())
                .flatMap(caller -> {
                    Mono<UpstreamResponse> upstream = client.forward(request.method(), request.uri(),
                            request.headers().asHttpHeaders(), request.bodyToFlux(DataBuffer.class), caller);
                    if (EventStreamLimits.isEventStream(request.uri())) {
                        return streams.open(caller, upstream).flatMap(QueueServiceProxy::passOn);
                    }
                    Optional<UUID> cancelId = idIn(request, HttpMethod.POST, CANCEL_PATH);
                    if (cancelId.isPresent()) {
                        return cancel(cancelId.get(), caller, upstream);
                    }
                    Optional<UUID> itemId = idIn(request, HttpMethod.GET, ITEM_PATH);
                    if (itemId.isPresent()) {
                        return orKnownHere(upstream, itemId.get(), caller, item -> item);
                    }
                    Optional<UUID> statusId = idIn(request, HttpMethod.GET, STATUS_PATH);
                    if (statusId.isPresent()) {
                        return orKnownHere(upstream, statusId.get(), caller, SeedJobStatus::of);
                    }
                    return upstream.flatMap(QueueServiceProxy::passOn);
                });
    }

    /** queue-service's answer, unless it does not know a job this gateway holds: then the gateway's view of it. */
    private Mono<ServerResponse> orKnownHere(Mono<UpstreamResponse> upstream, UUID jobId, Caller caller,
                                             Function<QueueItem, Object> shape) {
        return upstream
                .flatMap(response -> response.status().value() == HttpStatus.NOT_FOUND.value()
                        ? knownHere(jobId, caller)
                        .flatMap(item -> response.discardBody().then(ok(shape.apply(item))))
                        .switchIfEmpty(Mono.defer(() -> passOn(response)))
                        : passOn(response))
                .onErrorResume(QueueServiceUnavailableException.class, unavailable ->
                        knownHere(jobId, caller).flatMap(item -> ok(shape.apply(item)))
                                .switchIfEmpty(Mono.error(unavailable)));
    }

    private Mono<QueueItem> knownHere(UUID jobId, Caller caller) {
        return Mono.fromCallable(() -> spool.find(jobId)
                        .filter(s -> caller.mayRead(s.owner()))
                        .map(s -> QueueItem.fromSubmission(s, spool.isCancelled(jobId) ? "cancelled" : "pending"))
                        .or(() -> published.find(jobId)
                                .filter(p -> caller.mayRead(p.submission().owner()))
                                .map(p -> QueueItem.fromSubmission(p.submission(), p.status())))
                        .orElse(null))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * A job in this gateway's spool is cancelled here, without queue-service (which does not know
     * it); any other goes to queue-service. When queue-service answers 404 for a job this gateway
     * published, it lags behind: the client is told to try again rather than that the job is unknown.
     */
    private Mono<ServerResponse> cancel(UUID jobId, Caller caller, Mono<UpstreamResponse> upstream) {
        return Mono.fromCallable(() -> cancelInSpool(jobId, caller))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(outcome -> switch (outcome) {
                    case CANCELLED -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(Map.of("success", true, "queueId", jobId));
                    case ALREADY_CANCELLED -> Mono.error(alreadyCancelled(jobId));
                    case NOT_PENDING -> upstream.flatMap(response ->
                            response.status().value() == HttpStatus.NOT_FOUND.value()
                                    ? publishedNotRecorded(jobId, caller)
                                    .flatMap(p -> response.discardBody().then(Mono.<ServerResponse>error(
                                            p.submission().isDuplicate() ? alreadyCompleted(jobId)
                                                    : p.cancelled() ? alreadyCancelled(jobId) : notRecordedYet(jobId))))
                                    .switchIfEmpty(Mono.defer(() -> passOn(response)))
                                    : passOn(response));
                });
    }

    private PendingCancel cancelInSpool(UUID jobId, Caller caller) {
        Optional<JobSubmission> spooled = spool.find(jobId).filter(s -> caller.mayRead(s.owner()));
        if (spooled.isEmpty()) {
            return PendingCancel.NOT_PENDING;
        }
        if (spooled.get().isDuplicate()) {
            throw alreadyCompleted(jobId);
        }
        try {
            return dispatcher.cancelPending(jobId);
        } catch (IOException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "storage_unavailable",
                    "the cancel could not be recorded durably; try again later");
        }
    }

    private Mono<PublishedJobs.Published> publishedNotRecorded(UUID jobId, Caller caller) {
        return Mono.fromCallable(() -> published.find(jobId).filter(p -> caller.mayRead(p.submission().owner()))
                        .orElse(null))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static ApiException alreadyCancelled(UUID jobId) {
        return new ApiException(HttpStatus.CONFLICT.value(), "conflict", "queue item " + jobId + " is already cancelled");
    }

    /** A duplicate upload: it reused earlier results, nothing runs that could be cancelled. */
    private static ApiException alreadyCompleted(UUID jobId) {
        return new ApiException(HttpStatus.CONFLICT.value(), "conflict", "queue item " + jobId + " is already completed");
    }

    private static ApiException notRecordedYet(UUID jobId) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "not_recorded_yet", "queue item " + jobId
                + " is accepted and queued but queue-service has not recorded it yet; try the cancel again shortly");
    }

    private static Optional<UUID> idIn(ServerRequest request, HttpMethod method, Pattern path) {
        if (!method.equals(request.method())) {
            return Optional.empty();
        }
        Matcher matcher = path.matcher(request.uri().getRawPath());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(matcher.group(1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    private static Mono<ServerResponse> passOn(UpstreamResponse response) {
        return ServerResponse.status(response.status())
                .headers(headers -> headers.putAll(response.headers()))
                .body(BodyInserters.fromDataBuffers(response.body()));
    }
}
