package dev.mediaflow.gateway.web;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.http.ErrorBody;
import dev.mediaflow.http.ErrorCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Renders every failure that reaches the web layer as {@link ErrorBody}; runs before Spring Boot's
 * default handler (order -1), so no error leaves in another shape.
 */
@Component
@Order(-2)
public class ApiErrorWebExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorWebExceptionHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        Rendered rendered = render(ex, exchange);
        return JsonErrorWriter.write(exchange.getResponse(), rendered.status(), rendered.body());
    }

    private Rendered render(Throwable ex, ServerWebExchange exchange) {
        if (ex instanceof ApiException api) {
            return new Rendered(HttpStatusCode.valueOf(api.status()), api.body());
        }
        if (ex instanceof ResponseStatusException rse) {
            Throwable cause = rse.getCause();
            if (cause instanceof DecodingException || cause instanceof DataBufferLimitException) {
                return badRequest(cause);
            }
            HttpStatusCode status = rse.getStatusCode();
            String reason = rse.getReason() != null ? rse.getReason() : reasonPhrase(status);
            return new Rendered(status, new ErrorBody(code(status), reason));
        }
        if (ex instanceof DecodingException || ex instanceof DataBufferLimitException) {
            return badRequest(ex);
        }
        log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
        return new Rendered(HttpStatus.INTERNAL_SERVER_ERROR,
                new ErrorBody("internal_error", "the gateway failed to handle this request"));
    }

    private static Rendered badRequest(Throwable cause) {
        return new Rendered(HttpStatus.BAD_REQUEST,
                new ErrorBody("bad_request", "malformed request body: " + cause.getMessage()));
    }

    private static String code(HttpStatusCode status) {
        return ErrorCodes.forStatus(status.value());
    }

    private static String reasonPhrase(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "Error " + status.value();
    }

    private record Rendered(HttpStatusCode status, ErrorBody body) {
    }
}
