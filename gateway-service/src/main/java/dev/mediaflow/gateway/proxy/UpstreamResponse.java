package dev.mediaflow.gateway.proxy;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** queue-service's answer: status and headers have arrived, the body streams on subscription. */
public record UpstreamResponse(HttpStatusCode status, HttpHeaders headers, Flux<DataBuffer> body) {

    /** Reads and drops the body, so the connection goes back to the pool. */
    public Mono<Void> discardBody() {
        return body.doOnNext(DataBufferUtils::release).then().onErrorComplete();
    }
}
