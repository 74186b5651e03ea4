package dev.mediaflow.gateway.immich;

import dev.mediaflow.http.ApiException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The body of {@code POST /api/immich/import}: exactly one of {@code assetIds} (Immich asset ids) and
 * {@code albumId}. Ids are UUIDs, as Immich's are; anything else is refused before Immich is asked, so no
 * client text ever forms part of a URL.
 */
public record ImportRequest(List<String> assetIds, String albumId) {

    /** The named assets in order, each once; 400 when there are none or one is not a UUID. */
    Set<UUID> assets() {
        if (assetIds.isEmpty()) {
            throw ApiException.badRequest("'assetIds' is empty: name at least one asset");
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (String id : assetIds) {
            ids.add(uuid("assetIds", id));
        }
        return ids;
    }

    UUID album() {
        return uuid("albumId", albumId);
    }

    boolean byAlbum() {
        if ((assetIds == null) == (albumId == null)) {
            throw ApiException.badRequest("send either 'assetIds' (a list of Immich asset ids) or 'albumId', not "
                    + (assetIds == null ? "neither" : "both"));
        }
        return albumId != null;
    }

    private static UUID uuid(String field, String value) {
        try {
            if (value != null && value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        String shown = value == null ? "null" : value.length() > 40 ? value.substring(0, 40) + "..." : value;
        throw ApiException.badRequest("'" + field + "' must hold Immich ids (UUIDs), got '" + shown + "'");
    }
}
