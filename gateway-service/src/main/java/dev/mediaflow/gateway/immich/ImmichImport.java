package dev.mediaflow.gateway.immich;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.limits.FreeSpaceFloor;
import dev.mediaflow.gateway.limits.UploadAdmission;
import dev.mediaflow.gateway.limits.UploadBodyLimit;
import dev.mediaflow.gateway.meters.UploadMeters;
import dev.mediaflow.gateway.meters.UploadTally;
import dev.mediaflow.gateway.upload.ReceivedUpload;
import dev.mediaflow.gateway.upload.UploadOptions;
import dev.mediaflow.gateway.upload.UploadService;
import dev.mediaflow.gateway.upload.UploadSource;
import dev.mediaflow.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Imports Immich assets as uploads of the caller: each asset, one after the other, passes the upload's
 * admission (free-space floor, jobs in flight) and then {@link UploadService#accept} with the asset's bytes
 * streamed from Immich as its {@link UploadSource}: the same size limit, type sniffing, pixel limit, storage,
 * spool, job and deduplication as a multipart upload, and the same refusals, here per asset.
 *
 * <p>When Immich fails (unreachable, too slow, a file cut short, the key refused, a 5xx) the asset in hand
 * leaves nothing behind (its temp file goes, as for any upload) and the import stops: the assets not yet
 * asked for are {@code not_attempted}. If no asset of the request was stored by then, the whole answer is 502,
 * so "Immich is down" never looks like a successful import of nothing. An asset Immich does not have is only
 * that asset's error.
 */
@Service
public class ImmichImport {

    private static final Logger log = LoggerFactory.getLogger(ImmichImport.class);

    private final ImmichClient immich;
    private final UploadService uploads;
    private final UploadAdmission admission;
    private final FreeSpaceFloor freeSpace;
    private final UploadMeters meters;
    private final int maxAssets;
    private final long maxUploadBytes;

    ImmichImport(ImmichClient immich, UploadService uploads, UploadAdmission admission, FreeSpaceFloor freeSpace,
                 UploadMeters meters, GatewayProperties properties) {
        this.immich = immich;
        this.uploads = uploads;
        this.admission = admission;
        this.freeSpace = freeSpace;
        this.meters = meters;
        this.maxAssets = properties.immichMaxAssets();
        this.maxUploadBytes = properties.maxUploadBytes();
    }

    public Mono<ImportResponse> run(Caller caller, ImportRequest request, String correlationId) {
        return Mono.defer(() -> {
            immich.requireConfigured();
            Mono<? extends Collection<UUID>> assets = request.byAlbum()
                    ? immich.albumAssetIds(request.album()).onErrorMap(ImmichFailure.class, ImmichFailure::asBadGateway)
                    : Mono.just(request.assets());
            return assets.flatMap(ids -> importAll(caller, List.copyOf(ids), correlationId));
        });
    }

    private Mono<ImportResponse> importAll(Caller caller, List<UUID> assetIds, String correlationId) {
        if (assetIds.size() > maxAssets) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST.value(), "too_many_assets", "the import names "
                    + assetIds.size() + " assets, more than the limit of " + maxAssets + "; import them in parts"));
        }
        AtomicReference<ImmichFailure> stoppedBy = new AtomicReference<>();
        return Flux.fromIterable(assetIds)
                .concatMap(assetId -> stoppedBy.get() != null
                        ? Mono.just(ImportedAsset.failed(assetId, "not_attempted"))
                        : importOne(caller, assetId, correlationId, stoppedBy))
                .collectList()
                .map(items -> {
                    ImmichFailure failure = stoppedBy.get();
                    if (failure != null && items.stream().allMatch(item -> item.queueId() == null)) {
                        throw failure.asBadGateway();
                    }
                    log.info("Immich import for {}: {} of {} assets queued{}", caller.owner(),
                            items.stream().filter(item -> item.queueId() != null).count(), items.size(),
                            failure == null ? "" : "; stopped: " + failure.getMessage());
                    return new ImportResponse(true, items);
                });
    }

    /** One asset as one upload; counted in the upload meters by the status its own upload would have had. */
    private Mono<ImportedAsset> importOne(Caller caller, UUID assetId, String correlationId,
                                          AtomicReference<ImmichFailure> stoppedBy) {
        UploadTally tally = meters.track();
        return admission.admit(caller, -1, Mono.empty(),
                        () -> uploads.accept(caller, source(assetId), correlationId, tally::detected))
                .map(accepted -> {
                    tally.accepted(accepted.type(), accepted.size());
                    tally.answered(HttpStatus.ACCEPTED.value());
                    return ImportedAsset.queued(assetId, accepted.queueId());
                })
                .onErrorResume(ApiException.class, refused -> {
                    tally.answered(refused.status());
                    return Mono.just(ImportedAsset.failed(assetId, refused.code()));
                })
                .onErrorResume(ImmichFailure.class, failure -> {
                    if (failure.notFound()) {
                        tally.answered(HttpStatus.NOT_FOUND.value());
                        return Mono.just(ImportedAsset.failed(assetId, "asset_not_found"));
                    }
                    tally.answered(HttpStatus.BAD_GATEWAY.value());
                    log.warn("Immich import for {} stops at asset {}: {}", caller.owner(), assetId, failure.getMessage());
                    stoppedBy.set(failure);
                    return Mono.just(ImportedAsset.failed(assetId, "immich_unavailable"));
                });
    }

    /**
     * The asset's original from Immich, written like an upload's file part, with the default options: all
     * operations, the priority rule, three attempts. Immich's filename is kept for display only, as a client's is.
     */
    private UploadSource source(UUID assetId) {
        return tempFile -> immich.original(assetId, (headers, body) -> {
            if (headers.getContentLength() > maxUploadBytes) {
                return Mono.error(UploadBodyLimit.payloadTooLarge(maxUploadBytes));
            }
            return uploads.writer().write(freeSpace.watch(body), tempFile, filename(headers), headers.getContentLength())
                    .map(file -> new ReceivedUpload(file, UploadOptions.defaults()));
        });
    }

    private static String filename(HttpHeaders headers) {
        String disposition = headers.getFirst(HttpHeaders.CONTENT_DISPOSITION);
        if (disposition == null) {
            return null;
        }
        try {
            return ContentDisposition.parse(disposition).getFilename();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
