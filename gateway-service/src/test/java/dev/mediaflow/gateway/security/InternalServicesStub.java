package dev.mediaflow.gateway.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mediaflow.http.InternalSignature;
import dev.mediaflow.http.MediaflowHeaders;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for queue-service and the vision worker that checks the gateway's credential with the
 * real {@link InternalSignature} (as the services' filter does), records who each verified call was for, and
 * counts actuator health probes. The services' own behaviour is tested against the real services.
 */
final class InternalServicesStub implements AutoCloseable {

    record Call(String method, String pathAndQuery, String verifiedOwner, String verifiedRole) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger healthProbes = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    private final HttpServer server;
    private final InternalSignature signature;

    private InternalServicesStub(String token) throws IOException {
        this.signature = new InternalSignature(token);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    static InternalServicesStub start(String token) {
        try {
            return new InternalServicesStub(token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath();
        if (path.equals("/actuator/health")) {
            healthProbes.incrementAndGet();
            answer(exchange, 200, "{\"status\":\"UP\",\"components\":{\"redis\":{\"status\":\"UP\"},"
                    + "\"r2dbc\":{\"status\":\"UP\"}}}");
            return;
        }
        var headers = exchange.getRequestHeaders();
        InternalSignature.Verdict verdict = signature.verify(exchange.getRequestMethod(),
                InternalSignature.pathAndQuery(uri), headers.getFirst(MediaflowHeaders.OWNER),
                headers.getFirst(MediaflowHeaders.ROLE), headers.getFirst(MediaflowHeaders.TIMESTAMP),
                headers.getFirst(MediaflowHeaders.SIGNATURE));
        if (!verdict.accepted()) {
            refused.incrementAndGet();
            answer(exchange, 401, "{\"error\":\"unauthorized\",\"message\":\"" + verdict.refusal().message() + "\"}");
            return;
        }
        calls.add(new Call(exchange.getRequestMethod(), InternalSignature.pathAndQuery(uri),
                verdict.identity().owner(), verdict.identity().role().value()));
        if (path.equals("/health")) {
            answer(exchange, 200, "{\"status\":\"healthy\",\"service\":\"vision-worker\",\"model\":\"m.pt\","
                    + "\"model_status\":\"loaded\",\"device\":\"cpu\"}");
        } else {
            answer(exchange, 200, "{}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
