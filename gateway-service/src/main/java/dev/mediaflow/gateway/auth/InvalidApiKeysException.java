package dev.mediaflow.gateway.auth;

/** {@code MEDIAFLOW_API_KEYS} cannot be parsed; the gateway refuses to start. */
public class InvalidApiKeysException extends IllegalArgumentException {

    public InvalidApiKeysException(String message) {
        super(message);
    }
}
