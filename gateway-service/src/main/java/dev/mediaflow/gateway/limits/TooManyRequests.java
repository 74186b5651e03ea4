package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.web.ErrorBody;
import dev.mediaflow.gateway.web.JsonErrorWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * The one 429 answer of the limit filters: the error shape plus {@code Retry-After} in whole seconds
 * (rounded up, at least 1), so a client that waits that long is let through.
 */
final class TooManyRequests {

    private TooManyRequests() {
    }

    static Mono<Void> write(ServerHttpResponse response, String code, String message, Duration wait) {
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(wait)));
        return JsonErrorWriter.write(response, HttpStatus.TOO_MANY_REQUESTS, new ErrorBody(code, message));
    }

    static long retryAfterSeconds(Duration wait) {
        long seconds = (wait.toNanos() + 999_999_999L) / 1_000_000_000L;
        return Math.max(1, seconds);
    }
}
