package dev.mediaflow.gateway.proxy;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.http.ErrorBody;
import dev.mediaflow.messages.Json;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import org.springframework.stereotype.Component;

import java.net.URI;

/**
 * Calls to queue-service that the gateway makes for itself (not forwarded for a client): the whole JSON answer
 * read into memory, for small answers only. Same client, signature, breaker and time limit as the proxy.
 */
@Component
public class QueueServiceCalls {

    /** The status and the body of an answer. */
    public record Answer(int status, byte[] body) {

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }

        public <T> T read(Class<T> type) {
            return Json.read(body, type);
        }

        /** The refusal queue-service answered with, for passing it on as it is. */
        public ErrorBody error() {
            try {
                ErrorBody error = Json.read(body, ErrorBody.class);
                return error.error() != null ? error : new ErrorBody("upstream_error", "queue-service answered " + status);
            } catch (RuntimeException e) {
                return new ErrorBody("upstream_error", "queue-service answered " + status);
            }
        }
    }

    private final QueueServiceClient client;

    public QueueServiceCalls(QueueServiceClient client) {
        this.client = client;
    }

    /** @param pathAndQuery already encoded; fails with {@link QueueServiceUnavailableException} when it cannot answer */
    public Mono<Answer> call(HttpMethod method, String pathAndQuery, Caller caller) {
        return exchange(method, pathAndQuery, new HttpHeaders(), Flux.empty(), caller);
    }

    /** The same with {@code body} sent as JSON. */
    public Mono<Answer> call(HttpMethod method, String pathAndQuery, Object body, Caller caller) {
        byte[] bytes = Json.write(body);
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(bytes.length);
        return exchange(method, pathAndQuery, headers, Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)),
                caller);
    }

    private Mono<Answer> exchange(HttpMethod method, String pathAndQuery, HttpHeaders headers,
                                  Flux<DataBuffer> body, Caller caller) {
        return client.forward(method, URI.create(pathAndQuery), headers, body, caller)
                .flatMap(response -> response.bodyBytes().map(bytes -> new Answer(response.status().value(), bytes)));
    }
}
