package dev.mediaflow.http;

/** The header names of the contract between clients, the gateway and the internal services. */
public final class MediaflowHeaders {

    /** A client's API key, on every {@code /api/**} call to the gateway (docs/api.md, "The basics"). */
    public static final String API_KEY = "X-API-Key";
    /** The owner the gateway authenticated; an internal service believes it only with a valid signature. */
    public static final String OWNER = "X-Mediaflow-Owner";
    /** The caller's {@link CallerRole#value()}. */
    public static final String ROLE = "X-Mediaflow-Role";
    /** Epoch seconds at which the gateway signed the call. */
    public static final String TIMESTAMP = "X-Mediaflow-Timestamp";
    /** The gateway's {@link InternalSignature}: HMAC-SHA256, lower-case hex. */
    public static final String SIGNATURE = "X-Mediaflow-Signature";

    private MediaflowHeaders() {
    }
}
