package dev.mediaflow.http;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's internal credential (docs/api.md, "The basics"): an HMAC-SHA256, keyed with the shared secret
 * {@code MEDIAFLOW_INTERNAL_TOKEN}, over the owner, the role, the method, the path with its query and a
 * timestamp. Whoever reaches queue-service or a worker directly can set any identity header, but cannot
 * produce this signature; a captured one is worth little because it fits only that one request line and
 * expires after {@link #DEFAULT_MAX_AGE} (clock skew counts both ways).
 */
public final class InternalSignature {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);
    private static final String ALGORITHM = "HmacSHA256";
    private static final String VERSION = "mediaflow-internal-v1";

    /** Why a request was refused, for the 401 message and the log (never the secret or the signature). */
    public enum Refusal {
        MISSING("the gateway's internal credential is missing"),
        MALFORMED("the internal credential is malformed"),
        EXPIRED("the internal credential has expired"),
        INVALID("the internal credential does not match this request");

        private final String message;

        Refusal(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    /** Either the verified identity or the reason for refusing. */
    public record Verdict(InternalIdentity identity, Refusal refusal) {

        public boolean accepted() {
            return identity != null;
        }
    }

    private final SecretKeySpec key;
    private final Duration maxAge;
    private final Clock clock;

    public InternalSignature(String token, Duration maxAge, Clock clock) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the internal token is empty");
        }
        this.key = new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public InternalSignature(String token) {
        this(token, DEFAULT_MAX_AGE, Clock.systemUTC());
    }

    /** The four headers that make a call to an internal service, in the order the gateway sends them. */
    public Map<String, String> sign(String owner, CallerRole role, String method, String pathAndQuery) {
        return signAt(owner, role, method, pathAndQuery, clock.instant().getEpochSecond());
    }

    /** As {@link #sign}, for a given time: tests use it to forge an expired credential with the right key. */
    public Map<String, String> signAt(String owner, CallerRole role, String method, String pathAndQuery,
                                      long epochSecond) {
        String timestamp = Long.toString(epochSecond);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MediaflowHeaders.OWNER, owner);
        headers.put(MediaflowHeaders.ROLE, role.value());
        headers.put(MediaflowHeaders.TIMESTAMP, timestamp);
        headers.put(MediaflowHeaders.SIGNATURE, HexFormat.of().formatHex(
                mac(canonical(owner, role.value(), method, pathAndQuery, timestamp))));
        return headers;
    }

    /**
     * Checks the headers of one request against its method and path (with query, as received). Every check
     * runs on what was received; the signature comparison takes the same time wherever it differs.
     */
    public Verdict verify(String method, String pathAndQuery, String owner, String role, String timestamp,
                          String signature) {
        if (owner == null && role == null && timestamp == null && signature == null) {
            return refuse(Refusal.MISSING);
        }
        if (owner == null || owner.isBlank() || role == null || timestamp == null || signature == null) {
            return refuse(Refusal.MALFORMED);
        }
        Optional<CallerRole> parsedRole = CallerRole.parse(role);
        byte[] presented;
        long epochSecond;
        try {
            presented = HexFormat.of().parseHex(signature);
            epochSecond = Long.parseLong(timestamp);
        } catch (IllegalArgumentException e) {
            return refuse(Refusal.MALFORMED);
        }
        if (parsedRole.isEmpty()) {
            return refuse(Refusal.MALFORMED);
        }
        byte[] expected = mac(canonical(owner, role, method, pathAndQuery, timestamp));
        if (!MessageDigest.isEqual(expected, presented)) {
            return refuse(Refusal.INVALID);
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - epochSecond);
        if (skew > maxAge.toSeconds()) {
            return refuse(Refusal.EXPIRED);
        }
        return new Verdict(new InternalIdentity(owner, parsedRole.get()), null);
    }

    /** The request target as signed and checked: the raw path and, when present, {@code ?} and the raw query. */
    public static String pathAndQuery(java.net.URI uri) {
        return uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    }

    private static Verdict refuse(Refusal refusal) {
        return new Verdict(null, refusal);
    }

    /** Fields joined by newlines, which no header value and no request line can contain. */
    private static String canonical(String owner, String role, String method, String pathAndQuery, String timestamp) {
        return String.join("\n", VERSION, method.toUpperCase(java.util.Locale.ROOT), pathAndQuery, owner, role,
                timestamp);
    }

    private byte[] mac(String canonical) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
