package dev.mediaflow.http;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pure logic: what the signature binds and when it expires (the real-server tests are in the services). */
class InternalSignatureTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final InternalSignature signature = new InternalSignature(TOKEN, Duration.ofSeconds(60),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private InternalSignature.Verdict check(Map<String, String> h, String method, String path) {
        return signature.verify(method, path, h.get(MediaflowHeaders.OWNER), h.get(MediaflowHeaders.ROLE),
                h.get(MediaflowHeaders.TIMESTAMP), h.get(MediaflowHeaders.SIGNATURE));
    }

    @Test
    void aSignedRequestIsAcceptedWithItsIdentity() {
        Map<String, String> h = signature.sign("alice", CallerRole.USER, "GET", "/api/queue/items?limit=5");
        InternalSignature.Verdict verdict = check(h, "GET", "/api/queue/items?limit=5");
        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.identity()).isEqualTo(new InternalIdentity("alice", CallerRole.USER));
    }

    @Test
    void changingAnySignedFieldBreaksIt() {
        Map<String, String> h = signature.sign("alice", CallerRole.USER, "GET", "/api/queue/items");
        assertThat(check(h, "POST", "/api/queue/items").refusal()).isEqualTo(InternalSignature.Refusal.INVALID);
        assertThat(check(h, "GET", "/api/queue/worker/stop").refusal()).isEqualTo(InternalSignature.Refusal.INVALID);
        assertThat(check(h, "GET", "/api/queue/items?status=failed").refusal())
                .isEqualTo(InternalSignature.Refusal.INVALID);
        Map<String, String> admin = new java.util.HashMap<>(h);
        admin.put(MediaflowHeaders.ROLE, "admin");
        assertThat(check(admin, "GET", "/api/queue/items").refusal()).isEqualTo(InternalSignature.Refusal.INVALID);
        Map<String, String> bob = new java.util.HashMap<>(h);
        bob.put(MediaflowHeaders.OWNER, "bob");
        assertThat(check(bob, "GET", "/api/queue/items").refusal()).isEqualTo(InternalSignature.Refusal.INVALID);
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsRefused() {
        Map<String, String> h = new InternalSignature("another-secret-of-thirty-two-chars!", Duration.ofSeconds(60),
                Clock.fixed(NOW, ZoneOffset.UTC)).sign("admin", CallerRole.ADMIN, "GET", "/api/queue/items");
        assertThat(check(h, "GET", "/api/queue/items").refusal()).isEqualTo(InternalSignature.Refusal.INVALID);
    }

    @Test
    void itExpiresAfterTheMaximumAgeInBothDirections() {
        long now = NOW.getEpochSecond();
        assertThat(check(signature.signAt("a", CallerRole.USER, "GET", "/x", now - 60), "GET", "/x").accepted()).isTrue();
        assertThat(check(signature.signAt("a", CallerRole.USER, "GET", "/x", now - 61), "GET", "/x").refusal())
                .isEqualTo(InternalSignature.Refusal.EXPIRED);
        assertThat(check(signature.signAt("a", CallerRole.USER, "GET", "/x", now + 61), "GET", "/x").refusal())
                .isEqualTo(InternalSignature.Refusal.EXPIRED);
    }

    @Test
    void missingAndMalformedHeadersAreRefusedWithoutAnException() {
        assertThat(signature.verify("GET", "/x", null, null, null, null).refusal())
                .isEqualTo(InternalSignature.Refusal.MISSING);
        assertThat(signature.verify("GET", "/x", "admin", "admin", null, null).refusal())
                .isEqualTo(InternalSignature.Refusal.MALFORMED);
        assertThat(signature.verify("GET", "/x", "admin", "admin", "soon", "00").refusal())
                .isEqualTo(InternalSignature.Refusal.MALFORMED);
        assertThat(signature.verify("GET", "/x", "admin", "admin", "1", "not-hex").refusal())
                .isEqualTo(InternalSignature.Refusal.MALFORMED);
        Map<String, String> h = signature.sign("a", CallerRole.USER, "GET", "/x");
        assertThat(signature.verify("GET", "/x", "a", "root", h.get(MediaflowHeaders.TIMESTAMP),
                h.get(MediaflowHeaders.SIGNATURE)).refusal()).isEqualTo(InternalSignature.Refusal.MALFORMED);
    }
}
