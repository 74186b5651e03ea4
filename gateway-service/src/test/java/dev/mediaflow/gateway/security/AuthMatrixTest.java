package dev.mediaflow.gateway.security;

import dev.mediaflow.gateway.auth.SecurityConfig;
import dev.mediaflow.messages.Operation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CONTRACT.md section 2 for every route of the gateway: the routes are read from its own route table
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
    /** What {@code /api/queue/**} stands for (CONTRACT.md section 3), {id} being a queue item or media item. */
    private static final List<String> QUEUE_ROUTES = List.of("GET /api/queue/items", "GET /api/queue/items/{id}",
            "POST /api/queue/items/{id}/cancel", "POST /api/queue/items/{id}/retry", "GET /api/queue/items/{id}/events",
            "GET /api/queue/stats", "GET /api/queue/metrics", "POST /api/queue/enqueue/{id}", "POST /api/queue/enqueue",
            "POST /api/queue/cancel", "POST /api/queue/retry", "POST /api/queue/redo", "GET /api/queue/status/{id}",
            "GET /api/queue/dead", "POST /api/queue/dead/replay", "GET /api/queue/worker/status",
            "POST /api/queue/worker/stop", "POST /api/queue/worker/start");
    /**
     * Media routes that queue-service decides for the gateway: like the queue routes, their owner checks are made
     * on the signed identity (asserted below) and tested against the real services (MediaDeletionApiTest,
     * MediaStatusApiTest, MediaApiIT), not against this stand-in.
     */
    private static final Set<String> DECIDED_BY_QUEUE_SERVICE = Set.of("DELETE /api/media/{mediaItemId}",
            "GET /api/media/status");
    /** Rewritten by the SeedAliases filter before routing, so they are not in the table themselves. */
    private static final List<String> SEED_ALIASES = List.of("POST /api/v1/vision/analyze",
            "GET /api/v1/vision/jobs/{id}", "DELETE /api/v1/vision/jobs/{id}/cancel");

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

    /** Every /api/** route of the gateway, read from its route table, with /api/queue/** expanded. */
    List<Route> routes() {
        Set<Route> table = new LinkedHashSet<>();
        RequestMappingHandlerMapping annotated = context.getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class);
        for (RequestMappingInfo info : annotated.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    table.add(new Route(method.name(), pattern.getPatternString()));
                }
            }
        }
        for (RouterFunction<?> router : context.getBeanProvider(RouterFunction.class)) {
            router.accept(new PredicateCollector(table));
        }
        List<Route> apiRoutes = new ArrayList<>();
        for (Route route : table) {
            if (route.pattern().equals("/api/queue/**")) {
                QUEUE_ROUTES.stream().map(Route::parse).forEach(apiRoutes::add);
            } else if (route.pattern().startsWith("/api/")) {
                apiRoutes.add(route);
            }
        }
        SEED_ALIASES.stream().map(Route::parse).forEach(apiRoutes::add);
        return apiRoutes;
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

    /** Collects the path patterns and methods of a router function's predicates. */
    private static final class PredicateCollector implements RouterFunctions.Visitor {

        private static final Pattern PATH = Pattern.compile("(/[^\\s()&|!]*)");
        private static final Pattern METHOD = Pattern.compile("\\b(GET|POST|PUT|PATCH|DELETE)\\b");
        private final Set<Route> table;

        PredicateCollector(Set<Route> table) {
            this.table = table;
        }

        @Override
        public void startNested(RequestPredicate predicate) {
        }

        @Override
        public void endNested(RequestPredicate predicate) {
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            String text = predicate.toString();
            List<String> methods = new ArrayList<>();
            Matcher m = METHOD.matcher(text);
            while (m.find()) {
                methods.add(m.group(1));
            }
            Matcher p = PATH.matcher(text);
            while (p.find()) {
                for (String method : methods.isEmpty() ? List.of("ANY") : methods) {
                    table.add(new Route(method, p.group(1)));
                }
            }
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            throw new AssertionError("a router function this matrix cannot read: " + routerFunction);
        }
    }
}
