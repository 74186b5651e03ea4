package dev.mediaflow.gateway.web;

import dev.mediaflow.http.ErrorBody;
import dev.mediaflow.messages.Json;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/** Writes an {@link ErrorBody} straight to a response, for code that runs outside the controllers. */
public final class JsonErrorWriter {

    private JsonErrorWriter() {
    }

    public static Mono<Void> write(ServerHttpResponse response, HttpStatusCode status, ErrorBody body) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        DataBuffer buffer = response.bufferFactory().wrap(Json.write(body));
        return response.writeWith(Mono.just(buffer));
    }
}
