package dev.mediaflow.gateway.proxy;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.http.InternalSignature;
import dev.mediaflow.messages.CorrelationId;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Forwards a call to queue-service unchanged (method, path, query, body) with the caller's identity,
 * signed with the internal credential ({@link InternalSignature}; queue-service refuses anything else), behind a circuit breaker and a time limit
 * on the response headers (so event streams may stay open). A 5xx answer counts as a failure but
 * still reaches the client as it is; a 4xx is an ordinary answer.
 */
@Component
public class QueueServiceClient {

    static final String BREAKER = "queueService";

    private static final Logger log = LoggerFactory.getLogger(QueueServiceClient.class);
    /** The correlation id too: queue-service logs the request's work under the id the client got. */
    private static final List<String> FORWARDED_REQUEST_HEADERS = List.of(HttpHeaders.CONTENT_TYPE,
            HttpHeaders.ACCEPT, HttpHeaders.ACCEPT_LANGUAGE, HttpHeaders.IF_NONE_MATCH, "Last-Event-ID",
            CorrelationId.HEADER);
    private static final List<String> HOP_BY_HOP = List.of(HttpHeaders.CONNECTION, "Keep-Alive",
            HttpHeaders.TRANSFER_ENCODING, HttpHeaders.TE, HttpHeaders.TRAILER, HttpHeaders.UPGRADE,
            HttpHeaders.PROXY_AUTHENTICATE, HttpHeaders.PROXY_AUTHORIZATION);

    private final WebClient webClient;
    /** Live event streams only, so they can never take the connections of ordinary calls. */
    private final WebClient streamClient;
    private final String baseUrl;
    private final CircuitBreaker circuitBreaker;
    private final TimeLimiter timeLimiter;
    private final InternalSignature signature;

    /**
     * @param observations observes the ordinary calls, so that with tracing on (MEDIAFLOW_TRACING_ENDPOINT)
     *                     they carry the trace on to queue-service and its spans join the gateway's
     */
    public QueueServiceClient(GatewayProperties properties, CircuitBreakerRegistry breakers,
                              TimeLimiterRegistry limiters, InternalSignature signature,
                              ObjectProvider<ObservationRegistry> observations) {
        this.signature = signature;
        HttpClient http = HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000);
        this.webClient = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http))
                .observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP)).build();
        this.streamClient = WebClient.builder().clientConnector(new ReactorClientHttpConnector(
                HttpClient.create(streamPool(properties.maxStreams()))
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000))).build();
        this.baseUrl = properties.queueServiceUrl().toString().replaceAll("/+$", "");
        CircuitBreaker configured = breakers.circuitBreaker(BREAKER);
        this.circuitBreaker = CircuitBreaker.of(BREAKER, CircuitBreakerConfig.from(configured.getCircuitBreakerConfig())
                .recordResult(QueueServiceClient::isServerError)
                .build());
        breakers.replace(BREAKER, circuitBreaker);
        this.timeLimiter = limiters.timeLimiter(BREAKER, TimeLimiterConfig.custom()
                .timeoutDuration(properties.queueServiceTimeout()).build());
    }

    public Mono<UpstreamResponse> forward(HttpMethod method, URI requestUri, HttpHeaders requestHeaders,
                                          Flux<DataBuffer> requestBody, Caller caller) {
        URI target = URI.create(baseUrl + requestUri.getRawPath()
                + (requestUri.getRawQuery() != null ? "?" + requestUri.getRawQuery() : ""));
        WebClient client = EventStreamLimits.isEventStream(requestUri) ? streamClient : webClient;
        WebClient.RequestBodySpec request = client.method(method).uri(target).headers(headers -> {
            FORWARDED_REQUEST_HEADERS.forEach(name -> {
                List<String> values = requestHeaders.get(name);
                if (values != null) {
                    headers.put(name, values);
                }
            });
            signature.sign(caller.owner(), caller.role(), method.name(), InternalSignature.pathAndQuery(target))
                    .forEach(headers::set);
        });
        WebClient.RequestHeadersSpec<?> withBody = hasBody(requestHeaders)
                ? request.body(BodyInserters.fromDataBuffers(requestBody))
                : request;
        return withBody.retrieve()
                .onStatus(status -> true, response -> Mono.empty())
                .toEntityFlux(DataBuffer.class)
                .map(QueueServiceClient::toUpstreamResponse)
                .transformDeferred(TimeLimiterOperator.of(timeLimiter))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .onErrorMap(e -> !(e instanceof QueueServiceUnavailableException), e -> unavailable(method, target, e));
    }

    /**
     * The streams' own pool, as large as the number of streams {@link EventStreamLimits} lets in, so
     * a stream never waits for a connection and streams never take a connection from the shared
     * pool of the ordinary calls, however many are open.
     */
    private static ConnectionProvider streamPool(int maxStreams) {
        return ConnectionProvider.builder("queue-service-events")
                .maxConnections(maxStreams)
                .pendingAcquireMaxCount(maxStreams)
                .pendingAcquireTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static boolean hasBody(HttpHeaders headers) {
        return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    /** A 5xx answer is passed on unchanged, but the breaker counts it as a failure. */
    private static boolean isServerError(Object result) {
        return result instanceof UpstreamResponse response && response.status().is5xxServerError();
    }

    private static UpstreamResponse toUpstreamResponse(ResponseEntity<Flux<DataBuffer>> entity) {
        HttpHeaders headers = new HttpHeaders();
        entity.getHeaders().forEach((name, values) -> {
            if (HOP_BY_HOP.stream().noneMatch(name::equalsIgnoreCase)) {
                headers.put(name, values);
            }
        });
        Flux<DataBuffer> body = entity.getBody() != null ? entity.getBody() : Flux.empty();
        return new UpstreamResponse(entity.getStatusCode(), headers, body);
    }

    private static QueueServiceUnavailableException unavailable(HttpMethod method, URI target, Throwable e) {
        String why;
        if (e instanceof CallNotPermittedException) {
            why = "circuit open after repeated failures";
        } else if (e instanceof TimeoutException) {
            why = "no answer in time";
        } else {
            why = "cannot reach it";
        }
        log.warn("queue-service call {} {} failed: {} ({})", method, target.getRawPath(), why, e.toString());
        return new QueueServiceUnavailableException(why);
    }
}
