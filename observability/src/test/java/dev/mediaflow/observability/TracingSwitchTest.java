package dev.mediaflow.observability;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

/**
 * The switch against Boot's real auto-configuration and a real OTLP/HTTP receiver on 127.0.0.1 that
 * records what it is sent.
 */
class TracingSwitchTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    /** A reactive service with one route, as every mediaflow service is. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class WebApp {
        @Bean
        RouterFunction<ServerResponse> hello() {
            return RouterFunctions.route(GET("/traced-hello"), request -> ServerResponse.ok().bodyValue("hi"));
        }
    }

    /** One request the receiver got. */
    record Received(String method, String path, String contentType, byte[] body) {
        boolean carries(String text) {
            return new String(body, StandardCharsets.ISO_8859_1).contains(text);
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer receiver;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestBody().readAllBytes()));
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    @Test
    void unsetNothingIsSampledNoExporterExistsAndNothingIsSentEvenToAnEndpointConfiguredElsewhere()
            throws InterruptedException {
        // as if OTEL_EXPORTER_OTLP_ENDPOINT or Boot's own property pointed at a collector
        try (ConfigurableApplicationContext context = run(
                "--management.opentelemetry.tracing.export.otlp.endpoint=" + receiverUrl() + "/v1/traces")) {
            assertThat(context.getBeansOfType(SpanExporter.class)).isEmpty();
            assertThat(context.getEnvironment().getProperty("management.tracing.sampling.probability", Double.class))
                    .isZero();
            Span span = traceOne(context, "unsampled-span");
            assertThat(span.context().sampled()).isNotEqualTo(Boolean.TRUE);
            Thread.sleep(1500); // fifteen export rounds at the test's 100 ms
        }
        assertThat(received).isEmpty();
    }

    @Test
    void setSpansGoToTheCollectorOverOtlpHttp() throws InterruptedException {
        try (ConfigurableApplicationContext context = run("--mediaflow.tracing-endpoint=" + receiverUrl())) {
            assertThat(context.getBeansOfType(SpanExporter.class)).hasSize(1);
            Span span = traceOne(context, "mediaflow-test-span");
            assertThat(span.context().sampled()).isTrue();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (received.stream().noneMatch(r -> r.carries("mediaflow-test-span")) && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
        }
        Received request = received.stream().filter(r -> r.carries("mediaflow-test-span")).findFirst().orElseThrow(
                () -> new AssertionError("no span reached the receiver; got " + received));
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/traces");
        assertThat(request.contentType()).isEqualTo("application/x-protobuf");
        assertThat(request.carries("tracing-test")).as("service.name resource attribute").isTrue();
    }

    @Test
    void setAnHttpRequestToAServiceIsASpanAtTheCollector() throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApp.class)
                .web(WebApplicationType.REACTIVE)
                .properties("spring.application.name=tracing-web-test", "server.port=0",
                        "server.address=127.0.0.1", "management.opentelemetry.tracing.export.schedule-delay=100ms")
                .run("--mediaflow.tracing-endpoint=" + receiverUrl())) {
            int port = context.getEnvironment().getProperty("local.server.port", Integer.class);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/traced-hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("hi");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (received.stream().noneMatch(r -> r.carries("/traced-hello")) && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
        }
        assertThat(received).as("the server span of GET /traced-hello")
                .anySatisfy(r -> assertThat(r.carries("/traced-hello") && r.carries("tracing-web-test")).isTrue());
    }

    @Test
    void anEndpointWithAPathIsTakenAsItIsAndAnythingButHttpStopsTheService() {
        assertThat(TracingSwitch.tracesUrl("http://collector:4318")).isEqualTo("http://collector:4318/v1/traces");
        assertThat(TracingSwitch.tracesUrl("http://collector:4318/")).isEqualTo("http://collector:4318/v1/traces");
        assertThat(TracingSwitch.tracesUrl("https://otel.example/otlp/v1/traces"))
                .isEqualTo("https://otel.example/otlp/v1/traces");
        assertThatThrownBy(() -> TracingSwitch.tracesUrl("collector:4318"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MEDIAFLOW_TRACING_ENDPOINT");
        assertThatThrownBy(() -> run("--mediaflow.tracing-endpoint=grpc://127.0.0.1:4317"))
                .hasStackTraceContaining("MEDIAFLOW_TRACING_ENDPOINT");
    }

    private static Span traceOne(ConfigurableApplicationContext context, String name) {
        Span span = context.getBean(Tracer.class).nextSpan().name(name).start();
        span.end();
        return span;
    }

    private static ConfigurableApplicationContext run(String... args) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("spring.application.name=tracing-test",
                        "management.opentelemetry.tracing.export.schedule-delay=100ms")
                .run(args);
    }
}
