package dev.mediaflow.http;

import java.util.Locale;

/**
 * One route of the public API: an HTTP method and a path template such as {@code /api/queue/items/{queueId}}.
 * Two routes are the same route when they differ only in the names of their path variables ({@link #shape()}),
 * so a route table, a service's handlers and the OpenAPI document can be compared whatever each calls its ids.
 */
public record ApiRoute(String method, String path) {

    public ApiRoute {
        method = method.toUpperCase(Locale.ROOT);
    }

    /** {@code "GET /api/queue/items/{queueId}"}. */
    public static ApiRoute parse(String route) {
        int space = route.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("a route is 'METHOD /path', got '" + route + "'");
        }
        return new ApiRoute(route.substring(0, space), route.substring(space + 1).strip());
    }

    /** The method and the path with every {@code {variable}} written as {@code {}}. */
    public String shape() {
        return method + " " + path.replaceAll("\\{[^/}]*}", "{}");
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
