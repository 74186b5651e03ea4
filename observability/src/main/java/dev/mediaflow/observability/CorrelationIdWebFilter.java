package dev.mediaflow.observability;

import dev.mediaflow.messages.CorrelationId;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Gives every HTTP request its correlation id before anything else runs: the caller's
 * {@value CorrelationId#HEADER} when it is valid ({@link CorrelationId#accept}), else a new one.
 * <ul>
 *   <li>the request goes on with that header, so a controller reads it like any header and a proxy
 *       forwards it like any header (the gateway to queue-service);</li>
 *   <li>the response carries it, whatever the answer (401, 429 and errors too), so a client can
 *       quote it in a bug report;</li>
 *   <li>the Reactor context holds it under {@link CorrelationIdAccessor#KEY}, so every log line
 *       written while the request is handled has it in MDC, on whatever thread
 *       ({@link RequestCorrelation} reads it back in reactive code).</li>
 * </ul>
 * First of all filters, so even a request refused by the rate limits or security has its id.
 */
public class CorrelationIdWebFilter implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = CorrelationId.acceptOrGenerate(exchange.getRequest().getHeaders().getFirst(CorrelationId.HEADER));
        exchange.getResponse().getHeaders().set(CorrelationId.HEADER, id);
        ServerWebExchange tagged = exchange.mutate()
                .request(request -> request.headers(headers -> headers.set(CorrelationId.HEADER, id)))
                .build();
        return chain.filter(tagged).contextWrite(Context.of(CorrelationIdAccessor.KEY, id));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
