package dev.mediaflow.visionworker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.UUID;

/** A throw-away RabbitMQ vhost on the local broker, made through the management API. */
public final class TestBroker implements AutoCloseable {

    private static final String API = "http://127.0.0.1:15672/api/";
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes());

    public final String vhost = "mediaflow-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public TestBroker() {
        call("PUT", "vhosts/" + vhost, "{}");
        call("PUT", "permissions/" + vhost + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    }

    public String amqpUrl() {
        return "amqp://guest:guest@127.0.0.1:5672/" + vhost;
    }

    @Override
    public void close() {
        call("DELETE", "vhosts/" + vhost, null);
    }

    private void call(String method, String path, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(API + path))
                    .header("Authorization", AUTH)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("RabbitMQ management API unreachable on 127.0.0.1:15672", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
