package dev.mediaflow.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mediaflow.http.MediaflowHeaders;
import dev.mediaflow.messages.InternalMediaApi;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for queue-service on a loopback port, for gateway tests that need it to answer:
 * {@code /api/queue/stats} with the in-flight counts a test set for the calling owner, every
 * {@code /api/queue/items/{id}/events} with a live stream that sends one event and then stays open
 * (a comment every 200 ms) until the gateway hangs up, and anything else with a small 200.
 */
public final class StandInQueueService implements AutoCloseable {

    private static final Duration LONGEST_STREAM = Duration.ofSeconds(120);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Integer> queuedByOwner = new ConcurrentHashMap<>();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final Map<String, AtomicInteger> statsCalls = new ConcurrentHashMap<>();
    private final List<String> lastEventIds = new CopyOnWriteArrayList<>();

    private StandInQueueService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StandInQueueService start() {
        return new StandInQueueService();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What {@code /api/queue/stats} answers as "queued" for this owner. */
    public void setQueued(String owner, int jobs) {
        queuedByOwner.put(owner, jobs);
    }

    /** How many times this owner's {@code /api/queue/stats} was asked for so far. */
    public int statsCalls(String owner) {
        AtomicInteger calls = statsCalls.get(owner);
        return calls == null ? 0 : calls.get();
    }

    /** The {@code Last-Event-ID} headers of the streams opened so far. */
    public List<String> lastEventIds() {
        return lastEventIds;
    }

    public int openStreams() {
        return openStreams.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String owner = exchange.getRequestHeaders().getFirst("X-Mediaflow-Owner");
        if (path.matches("/api/queue/items/[^/]+/events")) {
            stream(exchange);
        } else if (path.equals("/api/queue/stats")) {
            statsCalls.computeIfAbsent(String.valueOf(owner), o -> new AtomicInteger()).incrementAndGet();
            // as queue-service counts them: an admin's stats are every owner's jobs
            boolean admin = "admin".equals(exchange.getRequestHeaders().getFirst(MediaflowHeaders.ROLE));
            int queued = admin ? queuedByOwner.values().stream().mapToInt(Integer::intValue).sum()
                    : queuedByOwner.getOrDefault(owner, 0);
            json(exchange, "{\"stats\":{\"queued\":" + queued + ",\"processing\":0,\"completed\":7,\"failed\":1,"
                    + "\"cancelled\":0,\"pending\":0},\"timestamp\":\"" + Instant.now() + "\"}");
        } else if (path.equals(InternalMediaApi.DUPLICATE)) {
            // no earlier upload of the same file, as queue-service answers it
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        } else {
            json(exchange, "{\"count\":0,\"items\":[],\"pagination\":{\"limit\":50,\"offset\":0}}");
        }
    }

    private void stream(HttpExchange exchange) throws IOException {
        openStreams.incrementAndGet();
        String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        if (lastEventId != null) {
            lastEventIds.add(lastEventId);
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("id: 1\nevent: status\ndata: {\"status\":\"queued\"}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Instant end = Instant.now().plus(LONGEST_STREAM);
            while (Instant.now().isBefore(end)) {
                Thread.sleep(200);
                out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close();
        } catch (IOException | InterruptedException gone) {
            // the gateway hung up
        } finally {
            openStreams.decrementAndGet();
            exchange.close();
        }
    }

    private static void json(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
