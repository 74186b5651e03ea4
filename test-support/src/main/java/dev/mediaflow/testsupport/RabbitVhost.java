package dev.mediaflow.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * A throw-away vhost on the local RabbitMQ, made and removed through the management API
 * (127.0.0.1:15672, guest/guest), so that test runs never see each other's queues.
 */
public final class RabbitVhost implements AutoCloseable {

    private static final String API = "http://127.0.0.1:15672/api/";
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    // the JDK client's HTTP/2 upgrade attempt makes the management API drop the connection
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final String name;

    private RabbitVhost(String name) {
        this.name = name;
    }

    /** Creates {@code <prefix>-<random>} with every permission for guest. */
    public static RabbitVhost create(String prefix) {
        RabbitVhost vhost = new RabbitVhost(prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        vhost.call("PUT", "vhosts/" + vhost.encoded(), "{}");
        vhost.call("PUT", "permissions/" + vhost.encoded() + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        return vhost;
    }

    public String name() {
        return name;
    }

    public String amqpUrl() {
        return amqpUrl(5672);
    }

    /** The vhost on another port, e.g. a proxy in front of the broker. */
    public String amqpUrl(int port) {
        return "amqp://guest:guest@127.0.0.1:" + port + "/" + encoded();
    }

    /** Messages ready and unacknowledged in a queue of this vhost. */
    public long queueDepth(String queue) {
        String body = call("GET", "queues/" + encoded() + "/" + URLEncoder.encode(queue, StandardCharsets.UTF_8), null);
        int i = body.indexOf("\"messages\":");
        if (i < 0) {
            return 0;
        }
        int start = i + "\"messages\":".length();
        int end = start;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
        }
        return Long.parseLong(body.substring(start, end));
    }

    /**
     * Force-closes every client connection to this vhost, as a broker restart or a network cut does
     * for the clients; waits up to {@code timeout} for at least one to be listed (the management API
     * lists a new connection after a moment). Returns how many were closed.
     */
    public int closeConnections(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.List<String> names;
        do {
            String body = call("GET", "vhosts/" + encoded() + "/connections?columns=name", null);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"name\":\"([^\"]+)\"").matcher(body);
            names = new java.util.ArrayList<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            if (names.isEmpty()) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
        } while (names.isEmpty() && System.nanoTime() < deadline);
        for (String connection : names) {
            call("DELETE", "connections/" + URLEncoder.encode(connection, StandardCharsets.UTF_8).replace("+", "%20"), null);
        }
        return names.size();
    }

    @Override
    public void close() {
        call("DELETE", "vhosts/" + encoded(), null);
    }

    private String encoded() {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private String call(String method, String path, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(API + path))
                    .header("Authorization", AUTH)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300 && !(method.equals("DELETE") && response.statusCode() == 404)) {
                throw new IllegalStateException("RabbitMQ management " + method + " " + path + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("RabbitMQ management API unreachable on 127.0.0.1:15672"
                    + " (is the rabbitmq_management plugin on? .ci/run enables it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
