package dev.mediaflow.queue.web;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.http.InternalIdentity;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every {@code /api/**} and {@code /internal/**} call comes through the gateway, which names the owner and role and signs them;
 * {@link dev.mediaflow.http.server.InternalTrustFilter} has checked the signature before this filter runs,
 * so the caller is read from the verified identity, never from the raw headers.
 */
@Component
public class CallerFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith("/api/") && !path.startsWith("/internal/")) {
            return chain.filter(exchange);
        }
        InternalIdentity identity = exchange.getAttribute(InternalIdentity.ATTRIBUTE);
        if (identity == null) {
            return Mono.error(ApiException.unauthorized("queue-service is reached through the gateway"));
        }
        exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller(identity.owner().trim(), identity.admin()));
        return chain.filter(exchange);
    }
}
