package dev.mediaflow.queue.web;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.http.ErrorBody;
import dev.mediaflow.http.ErrorCodes;
import dev.mediaflow.messages.Json;
import dev.mediaflow.queue.messaging.BrokerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/** Renders every error, including unknown routes and framework errors, as {@code {"error","message"}}. */
@Component
@Order(-2) // before Spring Boot's DefaultErrorWebExceptionHandler (-1)
public class JsonErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(ex);
        }
        HttpStatusCode status;
        ErrorBody body;
        if (ex instanceof ApiException api) {
            status = HttpStatusCode.valueOf(api.status());
            body = api.body();
        } else if (ex instanceof BrokerUnavailableException) {
            status = HttpStatus.SERVICE_UNAVAILABLE;
            body = new ErrorBody("broker_unavailable", "the message broker is unavailable; nothing was changed");
        } else if (ex instanceof ServerWebInputException input) {
            status = input.getStatusCode();
            body = new ErrorBody("bad_request", input.getReason() != null ? input.getReason() : "bad request");
        } else if (ex instanceof ResponseStatusException rse) {
            status = rse.getStatusCode();
            body = new ErrorBody(code(status), rse.getReason() != null ? rse.getReason() : code(status));
        } else {
            log.error("Request {} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            body = new ErrorBody("internal_error", "unexpected error");
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        DataBuffer buffer = response.bufferFactory().wrap(Json.write(body));
        return response.writeWith(Mono.just(buffer));
    }

    private static String code(HttpStatusCode status) {
        return ErrorCodes.forStatus(status.value());
    }
}
