package dev.mediaflow.gateway.immich;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.Json;
import io.netty.channel.ChannelOption;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Immich's REST API as the import uses it, with {@code IMMICH_API_KEY} as {@code x-api-key}:
 * {@code GET /api/albums/{id}} (an album's assets), {@code POST /api/search/metadata} (a page of all assets,
 * newest first) and {@code GET /api/assets/{id}/original} (an asset's bytes, streamed, never held whole).
 *
 * <p>{@code MEDIAFLOW_IMMICH_TIMEOUT} bounds connecting, the wait for an answer and every pause within a file;
 * redirects are not followed, so the key goes to {@code IMMICH_URL} and nowhere else. Every way Immich fails
 * becomes an {@link ImmichFailure}; ids are UUIDs, checked by the caller, so no client text forms a path.
 */
@Component
class ImmichClient {

    static final String API_KEY_HEADER = "x-api-key";
    /** An album's JSON lists every asset in full; this is room for some thousands. */
    private static final int MAX_JSON_BYTES = 16 * 1024 * 1024;

    private final String baseUrl;
    private final String apiKey;
    private final WebClient client;

    ImmichClient(GatewayProperties properties) {
        String url = properties.immichUrl();
        this.baseUrl = url == null || url.isBlank() ? null : url.strip().replaceAll("/+$", "");
        this.apiKey = properties.immichApiKey() == null ? "" : properties.immichApiKey().strip();
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.immichTimeout().toMillis())
                .responseTimeout(properties.immichTimeout())
                .followRedirect(false);
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_JSON_BYTES))
                .build();
    }

    /** 503 {@code immich_not_configured} unless {@code IMMICH_URL} is set. */
    void requireConfigured() {
        if (baseUrl == null) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "immich_not_configured",
                    "this gateway has no Immich server: set IMMICH_URL and IMMICH_API_KEY to import from one");
        }
    }

    /** The ids of an album's assets, in the album's order. */
    Mono<List<UUID>> albumAssetIds(UUID albumId) {
        String what = "album " + albumId;
        return json(client.get().uri(uri("/api/albums/" + albumId)), what, Album.class)
                .map(album -> album.assets() == null ? List.<UUID>of()
                        : album.assets().stream().map(Asset::id).map(UUID::fromString).toList())
                .onErrorMap(IllegalArgumentException.class, e -> ImmichFailure.unavailable(what, e));
    }

    /** One page (from 1) of Immich's assets, newest first. */
    Mono<AssetPage> assets(int page, int size) {
        return json(client.post().uri(uri("/api/search/metadata")).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("page", page, "size", size, "order", "desc")),
                "the asset list", SearchResult.class)
                .map(result -> result.assets() == null ? new AssetPage(List.of(), null) : result.assets());
    }

    /**
     * An asset's original file: {@code read} gets the answer's headers and its body (already failing as an
     * {@link ImmichFailure} when Immich cuts it short or stalls), and the connection is released when its
     * Mono ends, however it ends.
     */
    <T> Mono<T> original(UUID assetId, BiFunction<HttpHeaders, Flux<DataBuffer>, Mono<T>> read) {
        String what = "asset " + assetId;
        return withKey(client.get().uri(uri("/api/assets/" + assetId + "/original")))
                .exchangeToMono(response -> {
                    if (!response.statusCode().is2xxSuccessful()) {
                        return response.releaseBody().then(Mono.error(
                                ImmichFailure.answered(what, response.statusCode().value())));
                    }
                    Flux<DataBuffer> body = response.bodyToFlux(DataBuffer.class)
                            .onErrorMap(e -> !(e instanceof ImmichFailure), e -> ImmichFailure.unavailable(what, e));
                    return read.apply(response.headers().asHttpHeaders(), body);
                })
                .onErrorMap(WebClientException.class, e -> ImmichFailure.unavailable(what, e));
    }

    private <T> Mono<T> json(WebClient.RequestHeadersSpec<?> request, String what, Class<T> type) {
        return withKey(request)
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(byte[].class).map(bytes -> Json.read(bytes, type))
                        : response.releaseBody().then(Mono.error(ImmichFailure.answered(what,
                        response.statusCode().value()))))
                .onErrorMap(e -> !(e instanceof ImmichFailure), e -> ImmichFailure.unavailable(what, e));
    }

    private WebClient.RequestHeadersSpec<?> withKey(WebClient.RequestHeadersSpec<?> request) {
        return request.header(API_KEY_HEADER, apiKey).accept(MediaType.ALL);
    }

    private URI uri(String path) {
        requireConfigured();
        return URI.create(baseUrl + path);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Album(String id, List<Asset> assets) {
    }

    /** What the asset list shows of an Immich asset; {@code type} is IMAGE, VIDEO, AUDIO or OTHER. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Asset(String id, String type, String originalFileName, String originalMimeType, String fileCreatedAt) {
    }

    /** {@code nextPage} is a number as text, null on the last page. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AssetPage(List<Asset> items, String nextPage) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SearchResult(AssetPage assets) {
    }
}
