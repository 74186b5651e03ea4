package dev.mediaflow.gateway.immich;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.StandInImmich;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Immich import against a stand-in Immich that serves real image bytes and Immich's failures: every asset is
 * an upload (same checks, same storage, same job), and whatever Immich does wrong leaves no byte or job behind.
 */
class ImmichImportTest extends GatewayIntegrationTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_MAP = new ParameterizedTypeReference<>() {
    };
    static final StandInImmich IMMICH = StandInImmich.start();
    static final int MAX_ASSETS = 6;

    @DynamicPropertySource
    static void immich(DynamicPropertyRegistry registry) {
        registry.add("mediaflow.immich-url", IMMICH::url);
        registry.add("mediaflow.immich-api-key", () -> StandInImmich.API_KEY);
        registry.add("mediaflow.immich-timeout", () -> "1s");
        registry.add("mediaflow.immich-max-assets", () -> MAX_ASSETS);
    }

    @AfterAll
    static void stopImmich() {
        IMMICH.close();
    }

    @BeforeEach
    void immichAcceptsItsKey() {
        IMMICH.acceptKey(StandInImmich.API_KEY);
    }

    @Test
    void importedAssetsAreStoredAndQueuedLikeUploads() throws Exception {
        byte[] jpeg = TestFiles.image("jpg", 640, 480);
        byte[] png = TestFiles.image("png", 300, 200);
        UUID first = IMMICH.asset("IMG_0001.jpg", jpeg);
        UUID second = IMMICH.chunkedAsset(png);
        int before = IMMICH.requests().size();

        Map<String, Object> body = importing(ALICE, Map.of("assetIds", List.of(first.toString(), second.toString())))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(body).containsOnlyKeys("success", "items").containsEntry("success", true);
        List<Map<String, Object>> items = items(body);
        assertThat(items).extracting(item -> item.get("assetId")).containsExactly(first.toString(), second.toString());
        assertThat(items).allSatisfy(item -> {
            assertThat(item).containsOnlyKeys("assetId", "queueId", "error");
            assertThat(item.get("queueId")).isNotNull();
            assertThat(item.get("error")).isNull();
        });
        JobSubmission jpegJob = submitted(items.get(0));
        assertThat(jpegJob.owner()).isEqualTo("alice");
        assertThat(jpegJob.originalFilename()).isEqualTo("IMG_0001.jpg");
        assertThat(jpegJob.sha256()).isEqualTo(TestFiles.sha256(jpeg));
        assertThat(jpegJob.inputPath()).isEqualTo("uploads/alice/" + jpegJob.mediaItemId() + ".jpg");
        assertThat(Files.readAllBytes(STORAGE.resolve(jpegJob.inputPath()))).isEqualTo(jpeg);
        assertThat(jpegJob.operations()).hasSize(4);
        JobSubmission pngJob = submitted(items.get(1));
        assertThat(pngJob.inputPath()).endsWith(".png");
        assertThat(Files.readAllBytes(STORAGE.resolve(pngJob.inputPath()))).isEqualTo(png);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();

        List<RecordedRequest> asked = IMMICH.requests().subList(before, IMMICH.requests().size());
        assertThat(asked).extracting(RecordedRequest::getTarget)
                .containsExactly("/api/assets/" + first + "/original", "/api/assets/" + second + "/original");
        assertThat(asked).allSatisfy(r -> assertThat(r.getHeaders().get("x-api-key")).isEqualTo(StandInImmich.API_KEY));
    }

    @Test
    void anAlbumImportsEveryAssetInIt() throws Exception {
        byte[] gif = TestFiles.image("gif", 40, 30);
        byte[] bmp = TestFiles.image("bmp", 50, 20);
        UUID a = IMMICH.asset("a.gif", gif);
        UUID b = IMMICH.asset("b.bmp", bmp);
        UUID album = IMMICH.album(List.of(a, b));

        List<Map<String, Object>> items = items(importing(BOB, Map.of("albumId", album.toString()))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody());

        assertThat(items).extracting(item -> item.get("assetId")).containsExactly(a.toString(), b.toString());
        JobSubmission gifJob = submitted(items.get(0));
        assertThat(gifJob.owner()).isEqualTo("bob");
        assertThat(Files.readAllBytes(STORAGE.resolve(gifJob.inputPath()))).isEqualTo(gif);
        assertThat(Files.readAllBytes(STORAGE.resolve(submitted(items.get(1)).inputPath()))).isEqualTo(bmp);
    }

    @Test
    void eachAssetMeetsTheUploadsChecksAndARefusedOneKeepsNothing() throws Exception {
        Set<Path> before = stored();
        UUID text = IMMICH.asset("notes.txt", "just some words, not a photo".getBytes(StandardCharsets.UTF_8));
        UUID svg = IMMICH.asset("x.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8));
        UUID huge = IMMICH.asset("huge.png", TestFiles.pngHeaderClaiming(20_000, 20_000));
        UUID tooLarge = IMMICH.asset("big.jpg", TestFiles.random((int) MAX_UPLOAD + 1, 7));
        UUID tooLargeChunked = IMMICH.chunkedAsset(TestFiles.random((int) MAX_UPLOAD + 10_000, 8));
        UUID empty = IMMICH.asset("empty.jpg", new byte[0]);

        List<Map<String, Object>> items = items(importing(ALICE, Map.of("assetIds",
                List.of(text, svg, huge, tooLarge, tooLargeChunked, empty).stream().map(UUID::toString).toList()))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody());

        assertThat(items).extracting(item -> item.get("error")).containsExactly("unsupported_media_type",
                "unsupported_media_type", "too_many_pixels", "payload_too_large", "payload_too_large", "bad_request");
        assertThat(items).allSatisfy(item -> assertThat(item.get("queueId")).isNull());
        assertThat(stored()).isEqualTo(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    @Test
    void anAssetImmichDoesNotHaveIsThatAssetsErrorAndTheOthersGoOn() {
        UUID missing = UUID.randomUUID();
        UUID forbidden = IMMICH.noAccessAsset();
        UUID present = IMMICH.asset("c.jpg", TestFiles.image("jpg", 64, 48));

        List<Map<String, Object>> items = items(importing(ALICE, Map.of("assetIds",
                List.of(missing.toString(), forbidden.toString(), present.toString())))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody());

        assertThat(items.get(0)).containsEntry("error", "asset_not_found").containsEntry("queueId", null);
        assertThat(items.get(1)).containsEntry("error", "asset_not_found");
        assertThat(items.get(2)).containsEntry("error", null);
        assertThat(items.get(2).get("queueId")).isNotNull();
    }

    @Test
    void aRefusedKeyIs502AndNothingIsStored() {
        Set<Path> before = stored();
        UUID asset = IMMICH.asset("d.jpg", TestFiles.image("jpg", 64, 48));
        IMMICH.acceptKey("another-key");

        importing(ALICE, Map.of("assetIds", List.of(asset.toString())))
                .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                .expectBody()
                .jsonPath("$.error").isEqualTo("immich_unavailable")
                .jsonPath("$.message").value(message -> assertThat((String) message)
                        .contains("401").contains("IMMICH_API_KEY").doesNotContain(StandInImmich.API_KEY));

        assertNothingKeptSince(before);
    }

    @Test
    void anImmichThatNeverAnswersIs502AndNothingIsStored() {
        Set<Path> before = stored();

        importing(ALICE, Map.of("assetIds", List.of(IMMICH.stallingAsset().toString())))
                .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                .expectBody().jsonPath("$.error").isEqualTo("immich_unavailable");

        assertNothingKeptSince(before);
    }

    @Test
    void aFileCutShortIs502AndNoPartOfItIsKept() {
        Set<Path> before = stored();

        importing(ALICE, Map.of("assetIds", List.of(IMMICH.truncatedAsset(TestFiles.image("png", 400, 300)).toString())))
                .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                .expectBody().jsonPath("$.error").isEqualTo("immich_unavailable");

        assertNothingKeptSince(before);
    }

    @Test
    void aFailureAfterSomeAssetsStopsTheImportAndKeepsOnlyWholeOnes() {
        byte[] jpeg = TestFiles.image("jpg", 120, 90);
        UUID good = IMMICH.asset("e.jpg", jpeg);
        UUID stalls = IMMICH.stallingBodyAsset(TestFiles.image("png", 400, 300));
        UUID after = IMMICH.asset("f.jpg", TestFiles.image("jpg", 80, 60));
        int before = IMMICH.requests().size();
        Set<Path> storedBefore = stored();

        List<Map<String, Object>> items = items(importing(ALICE, Map.of("assetIds",
                List.of(good.toString(), stalls.toString(), after.toString())))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody());

        assertThat(items).extracting(item -> item.get("error"))
                .containsExactly(null, "immich_unavailable", "not_attempted");
        JobSubmission job = submitted(items.get(0));
        Set<Path> added = new HashSet<>(stored());
        added.removeAll(storedBefore);
        assertThat(added).containsExactlyInAnyOrder(STORAGE.resolve(job.inputPath()),
                STORAGE.resolve("spool/published/" + job.jobId() + ".json"));
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
        assertThat(IMMICH.requests().subList(before, IMMICH.requests().size())).extracting(RecordedRequest::getTarget)
                .doesNotContain("/api/assets/" + after + "/original");
    }

    @Test
    void aServerErrorOnTheOnlyAssetIs502() {
        importing(BOB, Map.of("assetIds", List.of(IMMICH.failingAsset().toString())))
                .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                .expectBody().jsonPath("$.error").isEqualTo("immich_unavailable")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains("500"));
    }

    @Test
    void anAlbumImmichDoesNotHaveIs502() {
        importing(ALICE, Map.of("albumId", UUID.randomUUID().toString()))
                .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                .expectBody().jsonPath("$.error").isEqualTo("immich_not_found");
    }

    @Test
    void idsThatAreNotUuidsAreRefusedBeforeImmichIsAsked() {
        int before = IMMICH.requests().size();

        for (Object body : List.of(
                Map.of("assetIds", List.of("../../users/me")),
                Map.of("assetIds", List.of(UUID.randomUUID() + "/../../../albums")),
                Map.of("albumId", "../api/users"),
                Map.of("assetIds", List.of()),
                Map.of(),
                Map.of("assetIds", List.of(UUID.randomUUID().toString()), "albumId", UUID.randomUUID().toString()))) {
            importing(ALICE, body).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        }
        client.post().uri("/api/immich/import").header("X-API-Key", ALICE).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{not json").exchange().expectStatus().isBadRequest();

        assertThat(IMMICH.requests()).hasSize(before);
    }

    @Test
    void moreAssetsThanTheLimitAreRefused() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= MAX_ASSETS; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        int before = IMMICH.requests().size();
        importing(ALICE, Map.of("assetIds", ids)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("too_many_assets");
        UUID bigAlbum = IMMICH.album(ids.stream().map(UUID::fromString).toList());
        importing(ALICE, Map.of("albumId", bigAlbum.toString())).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("too_many_assets");
        assertThat(IMMICH.requests().subList(before, IMMICH.requests().size())).extracting(RecordedRequest::getTarget)
                .containsExactly("/api/albums/" + bigAlbum);
    }

    @Test
    void theImportNeedsAKey() {
        client.post().uri("/api/immich/import").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("assetIds", List.of(UUID.randomUUID().toString()))).exchange()
                .expectStatus().isUnauthorized();
        client.get().uri("/api/immich/assets").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void theAssetListIsAPageOfImmichsSearch() {
        UUID photo = UUID.randomUUID();
        UUID video = UUID.randomUUID();
        IMMICH.searchAnswers(200, "{\"albums\":{\"total\":0,\"count\":0,\"items\":[],\"facets\":[]},"
                + "\"assets\":{\"total\":2,\"count\":2,\"facets\":[],\"nextPage\":\"3\",\"items\":["
                + "{\"id\":\"" + photo + "\",\"type\":\"IMAGE\",\"originalFileName\":\"IMG_1.HEIC\","
                + "\"originalMimeType\":\"image/heic\",\"fileCreatedAt\":\"2024-05-01T10:00:00.000Z\",\"isFavorite\":true},"
                + "{\"id\":\"" + video + "\",\"type\":\"VIDEO\",\"originalFileName\":\"clip.mov\","
                + "\"originalMimeType\":\"video/quicktime\",\"fileCreatedAt\":\"2024-04-30T09:00:00.000Z\"}]}}");
        int before = IMMICH.requests().size();

        client.get().uri("/api/immich/assets?page=2&size=2").header("X-API-Key", ALICE).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.page").isEqualTo(2)
                .jsonPath("$.size").isEqualTo(2)
                .jsonPath("$.nextPage").isEqualTo(3)
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].assetId").isEqualTo(photo.toString())
                .jsonPath("$.items[0].type").isEqualTo("photo")
                .jsonPath("$.items[0].filename").isEqualTo("IMG_1.HEIC")
                .jsonPath("$.items[0].mimeType").isEqualTo("image/heic")
                .jsonPath("$.items[0].createdAt").isEqualTo("2024-05-01T10:00:00.000Z")
                .jsonPath("$.items[1].type").isEqualTo("video");

        RecordedRequest search = IMMICH.requests().get(before);
        assertThat(search.getTarget()).isEqualTo("/api/search/metadata");
        assertThat(search.getBody().utf8()).contains("\"page\":2").contains("\"size\":2");
    }

    @Test
    void theAssetListRefusesBadPagesAndIs502WhenImmichFails() {
        client.get().uri("/api/immich/assets?page=0").header("X-API-Key", ALICE).exchange()
                .expectStatus().isBadRequest();
        client.get().uri("/api/immich/assets?size=5000").header("X-API-Key", ALICE).exchange()
                .expectStatus().isBadRequest();
        IMMICH.searchAnswers(500, "{\"message\":\"Internal server error\",\"statusCode\":500}");
        client.get().uri("/api/immich/assets").header("X-API-Key", ALICE).exchange()
                .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                .expectBody().jsonPath("$.error").isEqualTo("immich_unavailable");
        IMMICH.acceptKey("another-key");
        client.get().uri("/api/immich/assets").header("X-API-Key", ALICE).exchange()
                .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                .expectBody().jsonPath("$.message").value(m -> assertThat((String) m).contains("401"));
    }

    private WebTestClient.ResponseSpec importing(String key, Object body) {
        return client.post().uri("/api/immich/import").header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("items");
    }

    private JobSubmission submitted(Map<String, Object> item) {
        UUID jobId = UUID.fromString((String) item.get("queueId"));
        return awaitMessage(EVENTS_PROBE, JobEvent.class, e -> jobId.equals(e.jobId())).body().submission();
    }

    /** Every upload and spooled job on disk. */
    private static Set<Path> stored() {
        Set<Path> files = new HashSet<>(TestFiles.filesUnder(STORAGE.resolve("uploads")));
        files.addAll(TestFiles.filesUnder(STORAGE.resolve("spool")));
        return files;
    }

    private void assertNothingKeptSince(Set<Path> before) {
        assertThat(stored()).isEqualTo(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
        assertThat(rabbit.receive(EVENTS_PROBE)).as("no job was submitted").isNull();
    }
}
