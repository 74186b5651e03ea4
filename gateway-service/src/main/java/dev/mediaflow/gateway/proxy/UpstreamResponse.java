package dev.mediaflow.gateway.proxy;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** queue-service's answer: status and headers have arrived, the body streams on subscription. */
public record UpstreamResponse(HttpStatusCode status, HttpHeaders headers, Flux<DataBuffer> body) {

    /** The whole body, for the gateway's own small calls (not for what it passes on to a client). */
    public Mono<byte[]> bodyBytes() {
        return DataBufferUtils.join(body)
                .map(buffer -> {
                    try {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty(new byte[0]);
    }

    /** Reads and drops the body, so the connection goes back to the pool. */
    public Mono<Void> discardBody() {
        return body.doOnNext(DataBufferUtils::release).then().onErrorComplete();
    }
}
