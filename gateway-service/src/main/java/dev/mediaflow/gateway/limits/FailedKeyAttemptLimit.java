package dev.mediaflow.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mediaflow.gateway.config.GatewayProperties;
import io.github.bucket4j.Bucket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Stops key guessing: every 401 costs the client address one token of a bucket holding
 * {@code MEDIAFLOW_AUTH_FAILURE_LIMIT} tokens, refilled over {@code MEDIAFLOW_AUTH_FAILURE_WINDOW}.
 * With the bucket empty, every {@code /api/**} call from that address gets 429 with
 * {@code Retry-After} before any key is compared, also a right one: otherwise a guesser would learn
 * which guess is right from the answer that is not 429.
 *
 * <p>Runs before Spring Security (order -150; its chain is at -100) and learns of a failure from
 * the status of the response as it is committed, so it needs nothing from the authentication code.
 * The address is the connection's peer; behind a trusted proxy set {@code SERVER_FORWARD_HEADERS_STRATEGY=native}
 * so it is the client's. The buckets sit in a bounded cache (Caffeine), so a flood of addresses
 * cannot grow memory without end; an address idle for a whole window starts afresh anyway.
 */
@Component
@Order(-150)
public class FailedKeyAttemptLimit implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(FailedKeyAttemptLimit.class);
    private static final long MAX_ADDRESSES = 100_000;

    private final long limit;
    private final Duration window;
    private final Cache<InetAddress, Bucket> failures;

    public FailedKeyAttemptLimit(GatewayProperties properties) {
        this.limit = properties.authFailureLimit();
        this.window = properties.authFailureWindow();
        this.failures = Caffeine.newBuilder().maximumSize(MAX_ADDRESSES).expireAfterAccess(window).build();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null || remote.getAddress() == null
                || !exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        InetAddress address = remote.getAddress();
        Bucket bucket = failures.getIfPresent(address);
        if (bucket != null && bucket.getAvailableTokens() < 1) {
            return TooManyRequests.write(exchange.getResponse(), "too_many_failed_keys",
                    "too many requests with a missing or wrong API key from this address; wait before trying again",
                    Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
        }
        exchange.getResponse().beforeCommit(() -> {
            if (HttpStatus.UNAUTHORIZED.equals(exchange.getResponse().getStatusCode())) {
                Bucket counted = failures.get(address, a -> newBucket());
                if (!counted.tryConsume(1)) {
                    log.debug("Failed key attempts from {} are over the limit", address);
                } else if (counted.getAvailableTokens() < 1) {
                    log.warn("{} failed API key attempts from {} within {}: refusing it for now",
                            limit, address.getHostAddress(), window);
                }
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    private Bucket newBucket() {
        return Bucket.builder().addLimit(l -> l.capacity(limit).refillGreedy(limit, window)).build();
    }
}
