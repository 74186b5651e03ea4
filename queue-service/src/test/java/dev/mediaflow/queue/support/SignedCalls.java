package dev.mediaflow.queue.support;

import dev.mediaflow.http.CallerRole;
import dev.mediaflow.http.InternalSignature;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ClientRequest;

/**
 * Calls queue-service as the gateway does: every request signed with this run's internal token for the
 * given owner and role, computed on the final method and URL of each request.
 */
public final class SignedCalls {

    /** The internal token of the queue-service under test (set by {@link IntegrationTest}). */
    public static final String TOKEN = "queue-service-test-token-0123456789abcdef";
    public static final InternalSignature SIGNATURE = new InternalSignature(TOKEN);

    private SignedCalls() {
    }

    public static WebTestClient as(WebTestClient http, String owner, String role) {
        CallerRole callerRole = CallerRole.parse(role).orElseThrow(() -> new IllegalArgumentException(role));
        return http.mutate().filter((request, next) -> next.exchange(ClientRequest.from(request)
                .headers(headers -> SIGNATURE.sign(owner, callerRole, request.method().name(),
                        InternalSignature.pathAndQuery(request.url())).forEach(headers::set))
                .build())).build();
    }
}
