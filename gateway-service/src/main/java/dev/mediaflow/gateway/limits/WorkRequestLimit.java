package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.auth.Caller;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code MEDIAFLOW_MAX_INFLIGHT_PER_OWNER} for the routes that put work in the queue without an upload: enqueue
 * (one media item or a batch), redo, and retry (one job or in bulk). An owner at the cap gets the upload's 429
 * {@code too_many_jobs_in_flight} for these too; without it, re-enqueueing one photo over and over filled the
 * queue with 10,000 of one owner's jobs while that owner's uploads were refused (issue 14's scale benchmark).
 *
 * <p>Like an upload, the request is admitted when the owner is below the cap, so one batch may take the owner past
 * it by its size; the next request is refused. The admin is not held to it here: an admin's count is every owner's
 * jobs, and an operator retrying or replaying after an incident must not be refused because the queue is full. Runs after authentication and the rate limit (order 1), and after
 * the seed's aliases, so an alias of these routes is held to the cap too.
 */
@Component
@Order(1)
public class WorkRequestLimit implements WebFilter {

    /** The POST routes that make jobs or queue failed ones again (http-contract's QueueServiceRoutes). */
    private static final Pattern MAKES_WORK = Pattern.compile(
            "/api/queue/(enqueue(/[^/]+)?|redo|retry|items/[^/]+/retry)");

    private final InflightJobLimit inflight;

    public WorkRequestLimit(InflightJobLimit inflight) {
        this.inflight = inflight;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!HttpMethod.POST.equals(exchange.getRequest().getMethod())
                || !MAKES_WORK.matcher(exchange.getRequest().getPath().pathWithinApplication().value()).matches()) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .map(Caller::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(caller -> caller.isEmpty() || caller.get().isAdmin() ? chain.filter(exchange)
                        : inflight.reserve(caller.get()).flatMap(reservation -> chain.filter(exchange)
                                .doFinally(signal -> reservation.release())));
    }
}
