package dev.mediaflow.http;

import java.util.Map;

/**
 * The short {@code error} code for an HTTP status when nothing more specific was said. Written out here,
 * not derived from a framework's reason phrases, so the code for a status cannot change with a library
 * upgrade (Spring 7 renamed 413 to "Content Too Large") and the gateway and queue-service cannot diverge
 * (they did: an unknown status was {@code error_599} in one and {@code error} in the other).
 */
public final class ErrorCodes {

    private static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(400, "bad_request"),
            Map.entry(401, "unauthorized"),
            Map.entry(403, "forbidden"),
            Map.entry(404, "not_found"),
            Map.entry(405, "method_not_allowed"),
            Map.entry(406, "not_acceptable"),
            Map.entry(408, "request_timeout"),
            Map.entry(409, "conflict"),
            Map.entry(410, "gone"),
            Map.entry(411, "length_required"),
            Map.entry(413, "payload_too_large"),
            Map.entry(414, "uri_too_long"),
            Map.entry(415, "unsupported_media_type"),
            Map.entry(422, "unprocessable_entity"),
            Map.entry(429, "too_many_requests"),
            Map.entry(431, "request_header_fields_too_large"),
            Map.entry(500, "internal_error"),
            Map.entry(501, "not_implemented"),
            Map.entry(502, "bad_gateway"),
            Map.entry(503, "service_unavailable"),
            Map.entry(504, "gateway_timeout"),
            Map.entry(507, "insufficient_storage"));

    private ErrorCodes() {
    }

    /** The listed code, else {@code client_error} for 4xx, {@code server_error} for 5xx, {@code error} otherwise. */
    public static String forStatus(int status) {
        String known = CODES.get(status);
        if (known != null) {
            return known;
        }
        if (status >= 400 && status < 500) {
            return "client_error";
        }
        return status >= 500 && status < 600 ? "server_error" : "error";
    }
}
