package dev.mediaflow.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.UUID;

/** A private vhost, database and Redis key prefix on the local RabbitMQ, PostgreSQL and Redis. */
final class Infrastructure implements AutoCloseable {

    static final String PG_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/mediaflow";
    static final String PG_USER = env("POSTGRES_USER", "mediaflow");
    static final String PG_PASSWORD = env("POSTGRES_PASSWORD", "mediaflow");

    private static final String RABBIT_API = "http://127.0.0.1:15672/api/";
    private static final String RABBIT_AUTH = "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes());

    final String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final String vhost = "mediaflow-it-" + runId;
    final String database = "mediaflow_it_" + runId;
    final String redisPrefix = "mediaflow-it-" + runId + ":";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    Infrastructure() throws Exception {
        rabbit("PUT", "vhosts/" + vhost, "{}");
        rabbit("PUT", "permissions/" + vhost + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        sql("CREATE DATABASE " + database);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/" + database;
    }

    String rabbitUrl(int port) {
        return "amqp://guest:guest@127.0.0.1:" + port + "/" + vhost;
    }

    /** Current message count of a queue in this run's vhost, from the management API. */
    long queueDepth(String queue) throws Exception {
        String body = rabbit("GET", "queues/" + vhost + "/" + queue, null);
        int i = body.indexOf("\"messages\":");
        if (i < 0) {
            return 0;
        }
        int end = i + "\"messages\":".length();
        int stop = end;
        while (stop < body.length() && Character.isDigit(body.charAt(stop))) {
            stop++;
        }
        return Long.parseLong(body.substring(end, stop));
    }

    @Override
    public void close() throws Exception {
        try {
            rabbit("DELETE", "vhosts/" + vhost, null);
        } finally {
            sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, PG_USER, PG_PASSWORD)) {
            c.createStatement().execute(statement);
        }
    }

    private String rabbit(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(RABBIT_API + path))
                .header("Authorization", RABBIT_AUTH)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
