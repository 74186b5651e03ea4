package dev.mediaflow.gateway.immich;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.UUID;

/**
 * One asset of an import: its job ({@code queueId}) when it was stored and queued like an upload, else why not
 * ({@code error}: the short code an upload of it would have got, {@code asset_not_found} when Immich has no such
 * asset, {@code immich_unavailable} when Immich failed while sending it, {@code not_attempted} after that).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImportedAsset(UUID assetId, UUID queueId, String error) {

    static ImportedAsset queued(UUID assetId, UUID queueId) {
        return new ImportedAsset(assetId, queueId, null);
    }

    static ImportedAsset failed(UUID assetId, String error) {
        return new ImportedAsset(assetId, null, error);
    }
}
