package dev.mediaflow.gateway.web;

/** The one shape of every HTTP error: {@code {"error":"<short_code>","message":"<human text>"}}. */
public record ErrorBody(String error, String message) {
}
