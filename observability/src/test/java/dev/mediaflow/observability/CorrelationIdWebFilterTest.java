package dev.mediaflow.observability;

import dev.mediaflow.messages.CorrelationId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

class CorrelationIdWebFilterTest {

    private final WebTestClient client = WebTestClient.bindToRouterFunction(RouterFunctions
                    // what the handler sees: the request header, MDC after a thread hop, the Reactor context
                    .route(GET("/seen"), request -> Mono.just(request.headers().firstHeader(CorrelationId.HEADER))
                            .publishOn(Schedulers.boundedElastic())
                            .map(header -> header + " " + MDC.get(LogContext.CORRELATION_ID) + " "
                                    + Thread.currentThread().getName().startsWith("boundedElastic"))
                            .zipWith(RequestCorrelation.current().map(Optional::orElseThrow),
                                    (seen, context) -> seen + " " + context)
                            .flatMap(body -> ServerResponse.ok().bodyValue(body)))
                    .andRoute(GET("/refused"), request -> ServerResponse.status(HttpStatus.UNAUTHORIZED).build()))
            .webFilter(new CorrelationIdWebFilter())
            .build();

    @BeforeAll
    static void propagation() {
        new ObservabilityAutoConfiguration();
        assertThat(Hooks.isAutomaticContextPropagationEnabled()).isTrue();
    }

    @Test
    void aValidIdFromTheClientIsKeptAndReachesMdcOnAnotherThread() {
        String body = client.get().uri("/seen").header(CorrelationId.HEADER, "client-abc-123")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(CorrelationId.HEADER, "client-abc-123")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).isEqualTo("client-abc-123 client-abc-123 true client-abc-123");
        assertThat(MDC.get(LogContext.CORRELATION_ID)).isNull();
    }

    @Test
    void withoutAnIdOrWithAnInvalidOneTheRequestGetsANewOneEverywhere() {
        for (String sent : new String[]{null, "two\nlines", "x".repeat(65), "<script>"}) {
            var result = client.get().uri("/seen")
                    .headers(h -> {
                        if (sent != null) {
                            h.set(CorrelationId.HEADER, sent);
                        }
                    })
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody(String.class).returnResult();
            String id = result.getResponseHeaders().getFirst(CorrelationId.HEADER);
            assertThat(CorrelationId.accept(id)).as("sent %s", sent).isPresent();
            assertThat(id).isNotEqualTo(sent);
            assertThat(result.getResponseBody()).isEqualTo(id + " " + id + " true " + id);
        }
    }

    @Test
    void aRefusedRequestStillAnswersWithItsId() {
        client.get().uri("/refused").header(CorrelationId.HEADER, "refused-1")
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(CorrelationId.HEADER, "refused-1");
    }
}
