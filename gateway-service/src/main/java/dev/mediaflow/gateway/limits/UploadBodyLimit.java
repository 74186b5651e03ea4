package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.upload.UploadService;
import dev.mediaflow.http.ApiException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Guards an upload's body as it arrives. Slowloris: when no byte came for
 * {@code MEDIAFLOW_UPLOAD_IDLE_TIMEOUT} while the gateway was reading, or the body is not complete
 * {@code MEDIAFLOW_UPLOAD_TIME_LIMIT} after the request arrived, the upload fails with 408 and the
 * connection is closed. The idle clock runs only while the gateway reads, so the checks before
 * reading (queue-service's count of jobs in flight) never count against the client.
 *
 * <p>Counts every byte of the body as it arrives, whatever its framing: a chunked body (no
 * Content-Length) meets the same limit as a declared one, {@code MEDIAFLOW_MAX_UPLOAD_BYTES} plus
 * room for the multipart framing, and gets the same 413 at the first byte past it. Without this
 * only the file part was counted, and any other part could be of any size. Every
 * {@value FreeSpaceFloor#CHECK_EVERY_BYTES} bytes it also checks the free-disk floor, so a chunked upload
 * of unknown size is stopped with 507 before it eats into it.
 *
 * <p>A body that ends short of its Content-Length fails the upload ({@link DeclaredLength}).
 *
 * <p>Runs right after the seed aliases (so {@code /api/v1/vision/analyze} is counted too); the
 * error travels through the multipart reader into the upload, which removes its temp file.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class UploadBodyLimit implements WebFilter {

    static final String UPLOAD_PATH = "/api/media/upload";

    private final long maxBodyBytes;
    private final long maxFileBytes;
    private final Duration idleTimeout;
    private final Duration timeLimit;
    private final FreeSpaceFloor freeSpace;
    private final BodyStallWatch stallWatch;

    public UploadBodyLimit(GatewayProperties properties, FreeSpaceFloor freeSpace) {
        this.maxFileBytes = properties.maxUploadBytes();
        this.maxBodyBytes = properties.maxUploadBytes() + UploadService.MULTIPART_OVERHEAD;
        this.idleTimeout = properties.uploadIdleTimeout();
        this.timeLimit = properties.uploadTimeLimit();
        this.freeSpace = freeSpace;
        this.stallWatch = new BodyStallWatch(idleTimeout, Schedulers.parallel(), System::nanoTime);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!HttpMethod.POST.equals(request.getMethod())
                || !UPLOAD_PATH.equals(request.getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        long deadline = System.nanoTime() + timeLimit.toNanos();
        ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return withinTime(freeSpace.watch(count(DeclaredLength.required(super.getBody(),
                        request.getHeaders().getContentLength()))), deadline);
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }

    /** Fails the body when the next buffer is later than the idle timeout or than the deadline. */
    private Flux<DataBuffer> withinTime(Flux<DataBuffer> body, long deadline) {
        return stallWatch.watch(body, deadline)
                .onErrorMap(TimeoutException.class, e -> System.nanoTime() - deadline >= 0
                        ? new ApiException(HttpStatus.REQUEST_TIMEOUT.value(), "upload_too_slow",
                        "the upload did not arrive within " + timeLimit.toSeconds() + " s")
                        : new ApiException(HttpStatus.REQUEST_TIMEOUT.value(), "upload_too_slow",
                        "no data of the upload arrived for " + idleTimeout.toSeconds() + " s"));
    }

    /**
     * {@code map}, not {@code handle}: with automatic context propagation on (ObservabilityAutoConfiguration),
     * {@code handle} restores every thread local around each call, per request buffer, and nothing here logs.
     */
    private Flux<DataBuffer> count(Flux<DataBuffer> body) {
        return Flux.defer(() -> {
            long[] total = {0};
            return body.map(buffer -> {
                total[0] += buffer.readableByteCount();
                if (total[0] > maxBodyBytes) {
                    DataBufferUtils.release(buffer);
                    throw payloadTooLarge(maxFileBytes);
                }
                return buffer;
            });
        });
    }

    /**
     * The one 413 for a file over {@code MEDIAFLOW_MAX_UPLOAD_BYTES}, whichever check finds it first: this filter
     * (the body as a whole), the file writer (the file part's bytes), or an import that knows the size up front.
     */
    public static ApiException payloadTooLarge(long maxBytes) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE.value(), "payload_too_large",
                "the file is larger than the limit of " + maxBytes + " bytes");
    }
}
