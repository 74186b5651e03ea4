package dev.mediaflow.gateway.proxy;

import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.publish.JobDispatcher;
import dev.mediaflow.gateway.publish.SubmissionSpool;
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

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/queue/**} goes to queue-service. One addition: a job this gateway accepted but
 * queue-service does not know yet (still spooled, or confirmed a moment ago) is shown from the
 * gateway's own record instead of a 404, also while queue-service is down.
 */
@Configuration(proxyBeanMethods = false)
public class QueueServiceProxy {

    private static final Pattern ITEM_PATH = Pattern.compile("/api/queue/items/([0-9a-fA-F-]{36})");

    private final QueueServiceClient client;
    private final SubmissionSpool spool;
    private final JobDispatcher dispatcher;
    private final EventStreamLimits streams;

    public QueueServiceProxy(QueueServiceClient client, SubmissionSpool spool, JobDispatcher dispatcher,
                             EventStreamLimits streams) {
        this.client = client;
        this.spool = spool;
        this.dispatcher = dispatcher;
        this.streams = streams;
    }

    @Bean
    public RouterFunction<ServerResponse> queueServiceRoutes() {
        return RouterFunctions.route(RequestPredicates.path("/api/queue/**"), this::forward);
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
                    Optional<UUID> itemId = itemLookup(request);
                    if (itemId.isEmpty()) {
                        return upstream.flatMap(QueueServiceProxy::passOn);
                    }
                    return upstream
                            .flatMap(response -> response.status().value() == HttpStatus.NOT_FOUND.value()
                                    ? knownHere(itemId.get(), caller)
                                    .flatMap(item -> response.discardBody().then(ok(item)))
                                    .switchIfEmpty(Mono.defer(() -> passOn(response)))
                                    : passOn(response))
                            .onErrorResume(QueueServiceUnavailableException.class, unavailable ->
                                    knownHere(itemId.get(), caller).flatMap(QueueServiceProxy::ok)
                                            .switchIfEmpty(Mono.error(unavailable)));
                });
    }

    private Mono<QueueItem> knownHere(UUID jobId, Caller caller) {
        return Mono.fromCallable(() -> spool.find(jobId)
                        .filter(s -> caller.mayRead(s.owner()))
                        .map(s -> QueueItem.fromSubmission(s, "pending"))
                        .or(() -> dispatcher.recentlyPublished(jobId)
                                .filter(s -> caller.mayRead(s.owner()))
                                .map(s -> QueueItem.fromSubmission(s, "queued")))
                        .orElse(null))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static Optional<UUID> itemLookup(ServerRequest request) {
        if (!HttpMethod.GET.equals(request.method())) {
            return Optional.empty();
        }
        Matcher matcher = ITEM_PATH.matcher(request.uri().getRawPath());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(matcher.group(1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Mono<ServerResponse> ok(QueueItem item) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(item);
    }

    private static Mono<ServerResponse> passOn(UpstreamResponse response) {
        return ServerResponse.status(response.status())
                .headers(headers -> headers.putAll(response.headers()))
                .body(BodyInserters.fromDataBuffers(response.body()));
    }
}
