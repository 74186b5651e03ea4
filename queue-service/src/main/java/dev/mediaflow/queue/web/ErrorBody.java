package dev.mediaflow.queue.web;

/** Every HTTP error body. */
public record ErrorBody(String error, String message) {
}
