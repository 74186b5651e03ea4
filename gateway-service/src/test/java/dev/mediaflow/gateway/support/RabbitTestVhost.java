package dev.mediaflow.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** A RabbitMQ vhost of its own for one test JVM, made and removed through the management API. */
public final class RabbitTestVhost {

    private static final String MANAGEMENT = "http://127.0.0.1:15672/api";
    private static final String AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final String name;

    private RabbitTestVhost(String name) {
        this.name = name;
    }

    /** Creates the vhost now and deletes it when the JVM exits. */
    public static RabbitTestVhost createForThisJvm(String prefix) {
        RabbitTestVhost vhost = new RabbitTestVhost(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        vhost.call("PUT", "/vhosts/" + vhost.encoded(), "{}");
        vhost.call("PUT", "/permissions/" + vhost.encoded() + "/guest",
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vhost.call("DELETE", "/vhosts/" + vhost.encoded(), null)));
        return vhost;
    }

    public String name() {
        return name;
    }

    public String amqpUrl() {
        return "amqp://guest:guest@127.0.0.1:5672/" + encoded();
    }

    private String encoded() {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private void call(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(MANAGEMENT + path))
                .header("Authorization", AUTH)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300 && !(method.equals("DELETE") && response.statusCode() == 404)) {
                throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("RabbitMQ management API unreachable at " + MANAGEMENT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
