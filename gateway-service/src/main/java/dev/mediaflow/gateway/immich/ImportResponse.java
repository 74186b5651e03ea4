package dev.mediaflow.gateway.immich;

import java.util.List;

/** The 202 body of {@code POST /api/immich/import}: one item per asset, in the order they were named. */
public record ImportResponse(boolean success, List<ImportedAsset> items) {
}
