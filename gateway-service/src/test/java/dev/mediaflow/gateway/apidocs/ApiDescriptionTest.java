package dev.mediaflow.gateway.apidocs;

import dev.mediaflow.gateway.compat.SeedAliases;
import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.GatewayRoutes;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.http.ApiRoute;
import dev.mediaflow.http.QueueServiceRoutes;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.QueueItem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against the gateway itself: its routes are exactly the routes the gateway serves (its
 * handlers, its router functions with {@code /api/queue/**} standing for {@link QueueServiceRoutes}, and the seed
 * aliases), plus the contract's routes still being built, which must not be served yet; it describes the error
 * shape and the key; its examples have the keys the real answers have; and Swagger UI comes from the WebJar.
 */
class ApiDescriptionTest extends GatewayIntegrationTest {

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    /** Routes of the contract (docs/api.md) that the gateway itself will serve, being built (issue 15). */
    static final List<ApiRoute> ANNOUNCED_HERE = List.of();
    /** Served by Spring Boot Actuator and springdoc, outside the gateway's own route table; none needs a key. */
    static final List<ApiRoute> OPERATIONS = Stream.of(
            "GET /actuator/health",
            "GET /actuator/prometheus",
            "GET /v3/api-docs",
            "GET /swagger-ui.html").map(ApiRoute::parse).toList();

    @Autowired
    ApplicationContext context;

    private JsonNode document;

    @BeforeEach
    void readTheDocumentWithoutAKey() {
        byte[] body = client.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();
        document = Json.MAPPER.readTree(body);
    }

    @Test
    void theDocumentHasExactlyTheRoutesTheGatewayServesAndTheAnnouncedOnes() {
        Set<String> served = served();
        assertThat(served).as("the route table was read").contains("POST /api/media/upload", "POST /api/immich/import",
                "GET /api/queue/items/{}");
        Set<String> announced = new TreeSet<>();
        Stream.concat(ANNOUNCED_HERE.stream(), QueueServiceRoutes.ANNOUNCED.stream()).map(ApiRoute::shape)
                .forEach(announced::add);
        List<String> announcedHere = ANNOUNCED_HERE.stream().map(ApiRoute::shape).toList();
        if (!announcedHere.isEmpty()) {
            assertThat(served).as("an announced route that is served belongs with the served ones")
                    .doesNotContainAnyElementsOf(announcedHere);
        }

        Set<String> expected = new TreeSet<>(served);
        expected.addAll(announced);
        assertThat(documented()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theOperationsRoutesAnswerWithoutAKey() {
        for (ApiRoute route : OPERATIONS) {
            client.get().uri(route.path()).exchange().expectStatus()
                    .value(status -> assertThat(status).as(route.toString()).isBetween(200, 399));
        }
    }

    @Test
    void everyApiRouteNeedsTheKeyAndAnswersTheErrorShape() {
        JsonNode scheme = document.path("components").path("securitySchemes").path("ApiKey");
        assertThat(scheme.path("type").asString()).isEqualTo("apiKey");
        assertThat(scheme.path("in").asString()).isEqualTo("header");
        assertThat(scheme.path("name").asString()).isEqualTo("X-API-Key");
        assertThat(document.path("security").get(0).has("ApiKey")).isTrue();
        JsonNode error = document.path("components").path("schemas").path("Error");
        assertThat(names(error.path("properties"))).containsExactlyInAnyOrder("error", "message");
        assertThat(error.path("required").values()).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("error", "message");

        forEachOperation((route, operation) -> {
            boolean open = operation.has("security") && operation.path("security").isEmpty();
            if (route.path().startsWith("/api/")) {
                assertThat(open).as(route + " needs the key").isFalse();
                assertThat(operation.path("responses").path("401").path("$ref").asString())
                        .as(route + " documents its 401").isEqualTo("#/components/responses/Unauthorized");
            } else {
                assertThat(open).as(route + " needs no key").isTrue();
            }
        });
        JsonNode responses = document.path("components").path("responses");
        for (String name : names(responses)) {
            JsonNode json = responses.path(name).path("content").path("application/json");
            if (json.path("schema").path("$ref").asString("").equals("#/components/schemas/Error")) {
                List<JsonNode> examples = new ArrayList<>();
                if (json.has("example")) {
                    examples.add(json.path("example"));
                }
                json.path("examples").values().forEach(e -> examples.add(e.path("value")));
                assertThat(examples).as(name + " has an example").isNotEmpty();
                examples.forEach(e -> assertThat(names(e)).as(name).containsExactlyInAnyOrder("error", "message"));
            }
        }
    }

    @Test
    void theUploadExampleHasTheKeysOfARealUpload() {
        Map<String, Object> real = upload(ALICE, Multipart.file("photo.png", TestFiles.image("png", 64, 48), "image/png"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
                }).returnResult().getResponseBody();
        JsonNode accepted = document.path("paths").path("/api/media/upload").path("post").path("responses").path("202")
                .path("content").path("application/json");
        assertThat(names(accepted.path("example"))).containsExactlyInAnyOrderElementsOf(real.keySet());
        JsonNode schema = document.path("components").path("schemas").path("UploadAccepted");
        assertThat(schema.path("required").values()).extracting(JsonNode::asString)
                .containsExactlyInAnyOrderElementsOf(real.keySet());
        assertThat(names(schema.path("properties"))).containsAll(real.keySet());
    }

    @Test
    void everySchemaExampleUsesOnlyItsProperties() {
        JsonNode schemas = document.path("components").path("schemas");
        for (String name : names(schemas)) {
            JsonNode schema = schemas.path(name);
            if (schema.has("example") && schema.has("properties")) {
                assertThat(names(schema.path("properties"))).as(name).containsAll(names(schema.path("example")));
            }
        }
        JsonNode queueItem = schemas.path("QueueItem");
        assertThat(names(queueItem.path("properties"))).as("QueueItem is the record, key for key")
                .containsExactlyInAnyOrderElementsOf(names(Json.MAPPER.valueToTree(sampleQueueItem())));
    }

    @Test
    void swaggerUiComesFromTheWebJarAndFetchesNothingElsewhere() {
        String location = client.get().uri("/swagger-ui.html").exchange()
                .expectStatus().is3xxRedirection()
                .returnResult(Void.class).getResponseHeaders().getLocation().toString();
        assertThat(location).startsWith("/swagger-ui/");
        String page = new String(client.get().uri(location).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);
        Matcher assets = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page);
        List<String> references = new ArrayList<>();
        while (assets.find()) {
            references.add(assets.group(1));
        }
        assertThat(references).isNotEmpty().noneMatch(ref -> ref.contains("//"));
        for (String asset : references) {
            String path = asset.startsWith("/") ? asset : "/swagger-ui/" + asset.replaceFirst("^\\./", "");
            client.get().uri(path).exchange().expectStatus().isOk();
        }
        String initializer = new String(client.get().uri("/swagger-ui/swagger-initializer.js").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);
        assertThat(initializer).doesNotContain("petstore").doesNotContain("https://");
        JsonNode config = Json.MAPPER.readTree(client.get().uri("/v3/api-docs/swagger-config").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(config.path("url").asString()).isEqualTo("/v3/api-docs");
        assertThat(config.path("validatorUrl").asString()).isEqualTo("none");
    }

    /** Every route the document describes, as {@link ApiRoute#shape()}. */
    private Set<String> documented() {
        Set<String> routes = new TreeSet<>();
        forEachOperation((route, operation) -> routes.add(route.shape()));
        return routes;
    }

    private void forEachOperation(BiConsumer<ApiRoute, JsonNode> action) {
        JsonNode paths = document.path("paths");
        for (String path : names(paths)) {
            for (String method : names(paths.path(path))) {
                if (HTTP_METHODS.contains(method)) {
                    action.accept(new ApiRoute(method, path), paths.path(path).path(method));
                }
            }
        }
    }

    /**
     * What the gateway serves: its own route table with {@code /api/queue/**} (its only router function) standing
     * for the routes queue-service serves behind it, the seed aliases, and the operations routes.
     */
    private Set<String> served() {
        Set<String> routes = new TreeSet<>();
        for (ApiRoute route : GatewayRoutes.table(context)) {
            if (route.path().equals("/api/queue/**")) {
                assertThat(route.method()).isEqualTo("ANY");
                QueueServiceRoutes.SERVED.stream().map(ApiRoute::shape).forEach(routes::add);
            } else {
                routes.add(route.shape());
            }
        }
        SeedAliases.routes().stream().map(ApiRoute::shape).forEach(routes::add);
        OPERATIONS.stream().map(ApiRoute::shape).forEach(routes::add);
        return routes;
    }

    private static QueueItem sampleQueueItem() {
        return new QueueItem(UUID.randomUUID(), UUID.randomUUID(), "queued",
                1, 0, 3, null, null, null, null, null, "a.png", "photo", 1, "x", List.of(), null, null, Map.of(),
                List.of(), null);
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.propertyNames().forEach(names::add);
        return names;
    }
}
