package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * docs/api.md, "The basics": each API key may make {@code MEDIAFLOW_RATE_LIMIT} requests per second,
 * bursts up to twice that; past it 429 with {@code Retry-After}. Runs after authentication (order 0,
 * Spring Security's chain is at -100), so only authenticated {@code /api/**} calls are counted and
 * {@code /health*} and {@code /actuator/**} never are.
 *
 * <p>Every caller has a bucket of its own and taking a token never waits, so one key's excess is
 * answered at once with 429 and cannot slow another key. The buckets live in this gateway's memory:
 * with several gateway instances each enforces the limit on its own share of the traffic. The keys
 * are configured, so the map is bounded by their number.
 */
@Component
@Order(0)
public class ApiKeyRateLimit implements WebFilter {

    private final long perSecond;
    private final Map<Caller, Bucket> buckets = new ConcurrentHashMap<>();

    public ApiKeyRateLimit(GatewayProperties properties) {
        this.perSecond = properties.rateLimit();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .map(Caller::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(caller -> {
                    if (caller.isEmpty()) {
                        return chain.filter(exchange);
                    }
                    ConsumptionProbe probe = buckets.computeIfAbsent(caller.get(), c -> newBucket())
                            .tryConsumeAndReturnRemaining(1);
                    return probe.isConsumed() ? chain.filter(exchange) : refuse(exchange, probe);
                });
    }

    private Mono<Void> refuse(ServerWebExchange exchange, ConsumptionProbe probe) {
        return TooManyRequests.write(exchange.getResponse(), "rate_limited",
                "more than " + perSecond + " requests per second with this API key; slow down",
                Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(2 * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }
}
