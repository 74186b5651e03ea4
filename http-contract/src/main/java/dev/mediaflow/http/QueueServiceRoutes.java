package dev.mediaflow.http;

import java.util.List;
import java.util.stream.Stream;

/**
 * The public routes queue-service answers, which clients reach through the gateway's {@code /api/queue/**}
 * proxy (docs/api.md, "Queue items" and "Workers") and its {@code GET /api/media/status}, which it forwards the
 * same way. The gateway forwards that prefix as a whole; this list is
 * what lies behind it. queue-service's tests hold its handlers to this list and the gateway's tests hold its
 * OpenAPI document to it, so a route added on either side without the other fails a build.
 */
public final class QueueServiceRoutes {

    /** Served today; every one is described in the OpenAPI document. */
    public static final List<ApiRoute> SERVED = Stream.of(
            "GET /api/queue/items",
            "GET /api/queue/items/{queueId}",
            "GET /api/queue/items/{queueId}/events",
            "POST /api/queue/items/{queueId}/cancel",
            "POST /api/queue/items/{queueId}/retry",
            "GET /api/queue/stats",
            "GET /api/queue/metrics",
            "POST /api/queue/enqueue/{mediaItemId}",
            "POST /api/queue/cancel",
            "POST /api/queue/retry",
            "GET /api/queue/status/{queueId}",
            "POST /api/queue/enqueue",
            "POST /api/queue/redo",
            "GET /api/media/status",
            "GET /api/queue/dead",
            "POST /api/queue/dead/replay",
            "GET /api/queue/worker/status",
            "POST /api/queue/worker/stop",
            "POST /api/queue/worker/start").map(ApiRoute::parse).toList();

    /**
     * In the contract and in the OpenAPI document, being built (issue 15): whoever makes one of them answer moves
     * it to {@link #SERVED}; queue-service's route test fails until then.
     */
    public static final List<ApiRoute> ANNOUNCED = List.of();

    private QueueServiceRoutes() {
    }

    /** {@link #SERVED} and {@link #ANNOUNCED}: everything the gateway's proxy stands for. */
    public static List<ApiRoute> all() {
        return Stream.concat(SERVED.stream(), ANNOUNCED.stream()).toList();
    }
}
