package dev.mediaflow.gateway.compat;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed-compatible routes of CONTRACT.md ("Seed-compatible aliases") become the canonical ones
 * before anything else sees the request, so security, validation and answers are the same:
 * {@code POST /api/v1/vision/analyze} is an upload, {@code GET /api/v1/vision/jobs/{id}} the queue
 * item, {@code DELETE /api/v1/vision/jobs/{id}/cancel} its cancel.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SeedAliases implements WebFilter {

    private static final Pattern JOB = Pattern.compile("/api/v1/vision/jobs/([^/]+)");
    private static final Pattern CANCEL = Pattern.compile("/api/v1/vision/jobs/([^/]+)/cancel");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        HttpMethod method = request.getMethod();
        String target = null;
        HttpMethod targetMethod = method;
        if (HttpMethod.POST.equals(method) && path.equals("/api/v1/vision/analyze")) {
            target = "/api/media/upload";
        } else if (HttpMethod.GET.equals(method) && JOB.matcher(path).matches()) {
            target = "/api/queue/items/" + group(JOB.matcher(path));
        } else if (HttpMethod.DELETE.equals(method) && CANCEL.matcher(path).matches()) {
            target = "/api/queue/items/" + group(CANCEL.matcher(path)) + "/cancel";
            targetMethod = HttpMethod.POST;
        }
        if (target == null) {
            return chain.filter(exchange);
        }
        String canonical = target;
        HttpMethod canonicalMethod = targetMethod;
        return chain.filter(exchange.mutate()
                .request(r -> r.method(canonicalMethod).path(canonical))
                .build());
    }

    private static String group(Matcher matcher) {
        matcher.matches();
        return matcher.group(1);
    }
}
