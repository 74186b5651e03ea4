package dev.mediaflow.gateway.security;

import dev.mediaflow.gateway.auth.SecurityConfig;
import dev.mediaflow.gateway.compat.SeedAliases;
import dev.mediaflow.gateway.support.GatewayRoutes;
import dev.mediaflow.http.ApiRoute;
import dev.mediaflow.http.QueueServiceRoutes;
import dev.mediaflow.messages.Operation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/api.md, "The basics" for every route of the gateway: the routes are read from its own route table
 * (annotated handlers and router functions), so a route added tomorrow is in this matrix without anyone
 * remembering to add it. Each route is called with no key and a wrong key (401), as a user when it is an admin
 * route (403, and nothing reaches queue-service), and as another owner where it names an item (404). The
 * router function {@code /api/queue/**} is one route in the table; it is expanded to the contract's queue routes,
 * whose owner checks queue-service makes on the identity the gateway signs (asserted here: the verified owner
 * is the caller, never a header the client sent).
 */
class AuthMatrixTest extends SecuredGatewayTest {

    /** The contract's admin-only routes (section 2 and 3). */
    private static final Set<String> ADMIN_ROUTES = Set.of("POST /api/queue/worker/stop", "POST /api/queue/worker/start",
            "POST /api/v1/vision/files/cleanup", "GET /api/queue/dead", "POST /api/queue/dead/replay");
    /**
     * Media routes that queue-service decides for the gateway: like the queue routes, their owner checks are made
     * on the signed identity (asserted below) and tested against the real services (MediaDeletionApiTest,
     * MediaStatusApiTest, MediaApiIT), not against this stand-in.
     */
    private static final Set<String> DECIDED_BY_QUEUE_SERVICE = Set.of("DELETE /api/media/{mediaItemId}",
            "GET /api/media/status");

    private static final UUID ALICES_ITEM = UUID.randomUUID();

    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void alicesFilesOnDisk() throws IOException {
        Path upload = STORAGE.resolve("uploads/alice/" + ALICES_ITEM + ".png");
        Files.createDirectories(upload.getParent());
        Files.write(upload, dev.mediaflow.gateway.support.TestFiles.image("png", 8, 8));
        Path processed = STORAGE.resolve("processed/alice/" + ALICES_ITEM);
        Files.createDirectories(processed);
        for (Operation variant : List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY, Operation.DEPTH)) {
            Files.write(processed.resolve(variant.fileName()), new byte[]{1, 2, 3});
        }
    }

    record Route(String method, String pattern) {
        static Route parse(String spec) {
            String[] parts = spec.split(" ", 2);
            return new Route(parts[0], parts[1]);
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }

        boolean admin() {
            return ADMIN_ROUTES.contains(toString());
        }

        boolean namesAliceItem() {
            return pattern.contains("{mediaItemId}") && !decidedByQueueService();
        }

        boolean decidedByQueueService() {
            return pattern.startsWith("/api/queue/") || DECIDED_BY_QUEUE_SERVICE.contains(toString());
        }

        String concretePath() {
            return pattern.replace("{mediaItemId}", ALICES_ITEM.toString())
                    .replace("{name}", Operation.THUMBNAIL.json())
                    .replace("{id}", ALICES_ITEM.toString());
        }
    }

    /**
     * Every /api/** route of the gateway, read from its route table, with /api/queue/** expanded to the routes
     * behind it (served and announced) and the seed aliases added; every path variable but the two of the
     * results routes is {id}.
     */
    List<Route> routes() {
        List<Route> apiRoutes = new ArrayList<>();
        for (ApiRoute route : GatewayRoutes.table(context)) {
            if (route.path().equals("/api/queue/**")) {
                QueueServiceRoutes.all().stream().map(AuthMatrixTest::withIdVariables).forEach(apiRoutes::add);
            } else if (route.path().startsWith("/api/")) {
                apiRoutes.add(new Route(route.method(), route.path()));
            }
        }
        SeedAliases.routes().stream().map(AuthMatrixTest::withIdVariables).forEach(apiRoutes::add);
        return apiRoutes;
    }

    private static Route withIdVariables(ApiRoute route) {
        return new Route(route.method(), route.path().replaceAll("\\{[^/}]*}", "{id}"));
    }

    private WebTestClient.ResponseSpec call(Route route, String key) {
        WebTestClient.RequestBodySpec request = client.method(HttpMethod.valueOf(route.method()))
                .uri(route.concretePath())
                // a client's own identity headers must never count
                .header("X-Mediaflow-Owner", "admin").header("X-Mediaflow-Role", "admin");
        if (key != null) {
            request.header("X-API-Key", key);
        }
        if (route.method().equals("GET") || route.method().equals("DELETE")) {
            return request.exchange();
        }
        return request.contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange();
    }

    @Test
    void theTableHoldsTheGatewaysOwnRoutes() {
        assertThat(routes()).extracting(Route::toString).contains("POST /api/media/upload",
                "GET /api/media/{mediaItemId}/original", "GET /api/media/{mediaItemId}/variants/{name}",
                "GET /api/ai/health", "GET /api/ai/info", "GET /api/v1/vision/files/stats",
                "GET /api/queue/items/{id}", "POST /api/queue/worker/stop", "GET /api/queue/dead");
        assertThat(Stream.concat(Arrays.stream(SecurityConfig.ADMIN_POST_ROUTES).map(p -> "POST " + p),
                Arrays.stream(SecurityConfig.ADMIN_GET_ROUTES).map(p -> "GET " + p)))
                .as("the security configuration protects exactly the contract's admin routes")
                .containsExactlyInAnyOrderElementsOf(ADMIN_ROUTES);
    }

    @Test
    void noKeyAndAWrongKeyAre401OnEveryRoute() {
        INTERNAL.calls.clear();
        for (Route route : routes()) {
            for (String key : Arrays.asList(null, "wrong-key-123456", "")) {
                call(route, key).expectStatus().isUnauthorized()
                        .expectBody().jsonPath("$.error").isEqualTo("unauthorized");
            }
        }
        assertThat(INTERNAL.calls).as("nothing unauthenticated reaches an internal service").isEmpty();
    }

    @Test
    void aUserOnAnAdminRouteIs403AndNothingIsForwarded() {
        for (Route route : routes().stream().filter(Route::admin).toList()) {
            INTERNAL.calls.clear();
            call(route, ALICE).expectStatus().isForbidden()
                    .expectBody().jsonPath("$.error").isEqualTo("forbidden");
            assertThat(INTERNAL.calls).as(route.toString()).isEmpty();
            call(route, ADMIN).expectStatus().value(status -> assertThat(status).as(route + " as admin")
                    .isNotIn(401, 403));
        }
    }

    @Test
    void everyOtherRouteLetsAUserPast() {
        for (Route route : routes().stream().filter(r -> !r.admin()).toList()) {
            call(route, BOB).expectStatus().value(status -> assertThat(status).as(route + " as a user")
                    .isNotIn(401, 403));
        }
    }

    @Test
    void anotherOwnersItemIs404AndForwardedCallsCarryTheCallersOwnSignedIdentity() {
        for (Route route : routes().stream().filter(Route::namesAliceItem).toList()) {
            call(route, BOB).expectStatus().isNotFound().expectBody().jsonPath("$.error").isEqualTo("not_found");
            call(route, ALICE).expectStatus().isOk();
            call(route, ADMIN).expectStatus().isOk();
        }
        INTERNAL.calls.clear();
        for (Route route : routes().stream().filter(r -> r.decidedByQueueService() && !r.admin()).toList()) {
            call(route, BOB);
        }
        assertThat(INTERNAL.calls).extracting(InternalServicesStub.Call::pathAndQuery)
                .anyMatch(path -> path.startsWith("/internal/media/" + ALICES_ITEM + "/deletion"))
                .anyMatch(path -> path.startsWith("/api/media/status"));
        assertThat(INTERNAL.calls).isNotEmpty()
                .allSatisfy(c -> {
                    assertThat(c.verifiedOwner()).isEqualTo("bob");
                    assertThat(c.verifiedRole()).isEqualTo("user");
                });
    }
}
