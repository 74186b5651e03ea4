package dev.mediaflow.queue.web;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every {@code /api/**} call must come through the gateway, which names the owner and role.
 * Without an owner the call is unauthorized; an unknown role counts as {@code user}.
 */
@Component
public class CallerFilter implements WebFilter {

    public static final String OWNER_HEADER = "X-Mediaflow-Owner";
    public static final String ROLE_HEADER = "X-Mediaflow-Role";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        String owner = exchange.getRequest().getHeaders().getFirst(OWNER_HEADER);
        if (owner == null || owner.isBlank()) {
            return Mono.error(new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized",
                    "missing " + OWNER_HEADER + " header (queue-service is reached through the gateway)"));
        }
        boolean admin = "admin".equals(exchange.getRequest().getHeaders().getFirst(ROLE_HEADER));
        exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller(owner.trim(), admin));
        return chain.filter(exchange);
    }
}
