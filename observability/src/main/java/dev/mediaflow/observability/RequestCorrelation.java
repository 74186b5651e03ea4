package dev.mediaflow.observability;

import reactor.core.publisher.Mono;

import java.util.Optional;

/**
 * The correlation id of the HTTP request a reactive chain serves, read from the Reactor context
 * that {@link CorrelationIdWebFilter} wrote. Explicit where the id is stored or sent on (a job
 * created or retried by a request), rather than read from MDC, whose value on a given thread is only
 * as good as context propagation. Empty outside a request (a scheduled round).
 */
public final class RequestCorrelation {

    private RequestCorrelation() {
    }

    public static Mono<Optional<String>> current() {
        return Mono.deferContextual(context -> Mono.just(context.<String>getOrEmpty(CorrelationIdAccessor.KEY)));
    }
}
