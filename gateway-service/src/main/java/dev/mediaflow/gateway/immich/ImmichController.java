package dev.mediaflow.gateway.immich;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.CorrelationId;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * The Immich import of the ImmichVR seed: {@code POST /api/immich/import} stores Immich assets as the caller's
 * uploads ({@link ImmichImport}); {@code GET /api/immich/assets} lists what Immich has, a page at a time.
 */
@RestController
class ImmichController {

    static final int MAX_PAGE_SIZE = 1000;

    private final ImmichImport imports;
    private final ImmichClient immich;

    ImmichController(ImmichImport imports, ImmichClient immich) {
        this.imports = imports;
        this.immich = immich;
    }

    @PostMapping(path = "/api/immich/import", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<ImportResponse> importAssets(@AuthenticationPrincipal Caller caller, @RequestBody ImportRequest request,
                                      @RequestHeader(CorrelationId.HEADER) String correlationId) {
        return imports.run(caller, request, correlationId);
    }

    /** One asset as listed: {@code type} is {@code photo}, {@code video} or {@code other} (not importable). */
    record ListedAsset(String assetId, String type, String filename, String mimeType, String createdAt) {
    }

    /** {@code nextPage} is null on the last page. */
    record AssetList(int page, int size, Integer nextPage, List<ListedAsset> items) {
    }

    @GetMapping("/api/immich/assets")
    Mono<AssetList> assets(@RequestParam(defaultValue = "1") String page, @RequestParam(defaultValue = "100") String size) {
        int pageNumber = number("page", page, 1, Integer.MAX_VALUE);
        int pageSize = number("size", size, 1, MAX_PAGE_SIZE);
        return Mono.defer(() -> {
            immich.requireConfigured();
            return immich.assets(pageNumber, pageSize)
                    .onErrorMap(ImmichFailure.class, ImmichFailure::asBadGateway)
                    .map(found -> new AssetList(pageNumber, pageSize, nextPage(found.nextPage()),
                            found.items() == null ? List.of() : found.items().stream().map(ImmichController::listed)
                                    .toList()));
        });
    }

    private static ListedAsset listed(ImmichClient.Asset asset) {
        String type = switch (asset.type() == null ? "" : asset.type()) {
            case "IMAGE" -> "photo";
            case "VIDEO" -> "video";
            default -> "other";
        };
        return new ListedAsset(asset.id(), type, asset.originalFileName(), asset.originalMimeType(),
                asset.fileCreatedAt());
    }

    private static Integer nextPage(String next) {
        try {
            return next == null ? null : Integer.valueOf(next);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest("'" + name + "' must be a whole number " + min + ".."
                + (max == Integer.MAX_VALUE ? "" : max) + ", got '" + (value.length() > 20 ? value.substring(0, 20)
                + "..." : value) + "'");
    }
}
