package dev.mediaflow.gateway.compat;

import dev.mediaflow.http.ApiRoute;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routes of the Rust vision gateway (seed 004) that mediaflow keeps for its clients (docs/api.md,
 * "Compatibility routes") become the canonical ones before anything else sees the request, so security,
 * validation and answers are the same: {@code POST /api/v1/vision/analyze} is an upload,
 * {@code GET /api/v1/vision/jobs/{id}} the queue item, {@code DELETE /api/v1/vision/jobs/{id}/cancel} its cancel.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class SeedAliases implements WebFilter {

    /** One alias: requests matching {@code method} and {@code path} become {@code target} ({@code $1}: the id). */
    private record Alias(ApiRoute route, Pattern path, HttpMethod targetMethod, String target) {
    }

    private static final List<Alias> ALIASES = List.of(
            new Alias(ApiRoute.parse("POST /api/v1/vision/analyze"), Pattern.compile("/api/v1/vision/analyze"),
                    HttpMethod.POST, "/api/media/upload"),
            new Alias(ApiRoute.parse("GET /api/v1/vision/jobs/{jobId}"), Pattern.compile("/api/v1/vision/jobs/([^/]+)"),
                    HttpMethod.GET, "/api/queue/items/$1"),
            new Alias(ApiRoute.parse("DELETE /api/v1/vision/jobs/{jobId}/cancel"),
                    Pattern.compile("/api/v1/vision/jobs/([^/]+)/cancel"), HttpMethod.POST, "/api/queue/items/$1/cancel"));

    /** The alias routes, which are in no route table (they never reach a handler under their own name). */
    public static List<ApiRoute> routes() {
        return ALIASES.stream().map(Alias::route).toList();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        for (Alias alias : ALIASES) {
            Matcher matcher = alias.path().matcher(path);
            if (alias.route().method().equals(request.getMethod().name()) && matcher.matches()) {
                String canonical = matcher.replaceFirst(alias.target());
                return chain.filter(exchange.mutate()
                        .request(r -> r.method(alias.targetMethod()).path(canonical))
                        .build());
            }
        }
        return chain.filter(exchange);
    }
}
