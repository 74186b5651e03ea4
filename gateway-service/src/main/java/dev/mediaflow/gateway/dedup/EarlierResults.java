package dev.mediaflow.gateway.dedup;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.proxy.QueueServiceCalls;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Content dedup (docs/api.md, "Upload"): an upload whose bytes (SHA-256) and operations repeat a
 * completed media item of the same owner reuses that item's results instead of being processed.
 *
 * <p>queue-service, which has the record, names the earlier item, and is asked only when the dedup filter in Redis
 * may hold the file ({@link CompletedContentCheck}); it looks only among the caller's own items
 * (admin included), so an upload can never tell that another owner has the same file. The results are then
 * hard-linked into the new item's own output folder: both items show the same files, nothing is copied, and
 * deleting either removes only its own links, so the other keeps its results. A file system without hard
 * links gets a copy. The links are synced before the upload is answered.
 *
 * <p>Dedup is an optimisation, never a condition: when queue-service cannot answer, or a file of the earlier
 * item is gone (it is being deleted), the upload is simply processed.
 */
@Component
public class EarlierResults {

    private static final Logger log = LoggerFactory.getLogger(EarlierResults.class);

    private final QueueServiceCalls queueService;
    private final CompletedContentCheck filter;
    private final StorageRoot storage;
    private final Duration timeout;

    public EarlierResults(QueueServiceCalls queueService, CompletedContentCheck filter, StorageRoot storage,
                          GatewayProperties properties) {
        this.queueService = queueService;
        this.filter = filter;
        this.storage = storage;
        this.timeout = properties.queueServiceTimeout().plusSeconds(1);
    }

    /**
     * Blocking. The earlier media item whose results now also lie in {@code outputDir} (relative to the storage
     * root), or empty: then nothing was linked and the upload is to be processed.
     */
    public Optional<InternalMediaApi.Duplicate> reuse(Caller caller, String sha256, List<Operation> operations,
                                                      String outputDir) {
        Optional<InternalMediaApi.Duplicate> earlier = find(caller, sha256, operations);
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        Path target = storage.resolve(outputDir);
        try {
            link(storage.resolve(earlier.get().outputDir()), target, operations);
            return earlier;
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot reuse the results of media item {} ({}); the upload is processed instead",
                    earlier.get().mediaItemId(), e.toString());
            remove(target);
            return Optional.empty();
        }
    }

    /** Removes the links again, when the upload that made them could not be accepted after all. */
    public void remove(String outputDir) {
        remove(storage.resolve(outputDir));
    }

    private Optional<InternalMediaApi.Duplicate> find(Caller caller, String sha256, List<Operation> operations) {
        if (filter.surelyNew(caller.owner(), sha256)) {
            return Optional.empty();
        }
        String query = InternalMediaApi.DUPLICATE + "?sha256=" + sha256 + "&operations="
                + operations.stream().map(Operation::json).collect(Collectors.joining(","));
        try {
            return Optional.ofNullable(queueService.call(HttpMethod.GET, query, caller)
                    .map(answer -> answer.isSuccess() ? Optional.of(answer.read(InternalMediaApi.Duplicate.class))
                            : Optional.<InternalMediaApi.Duplicate>empty())
                    .block(timeout)).flatMap(found -> found);
        } catch (RuntimeException e) {
            log.warn("Cannot ask queue-service for an earlier upload of the same file ({}); processing it",
                    e.getMessage());
            return Optional.empty();
        }
    }

    private static void link(Path source, Path target, List<Operation> operations) throws IOException {
        Files.createDirectories(target);
        for (Operation op : operations) {
            Path from = source.resolve(op.fileName());
            Path to = target.resolve(op.fileName());
            if (!Files.isRegularFile(from)) {
                throw new NoSuchFileException(op.fileName());
            }
            try {
                Files.createLink(to, from);
            } catch (UnsupportedOperationException | IOException e) {
                if (e instanceof NoSuchFileException missing) {
                    throw missing;
                }
                Files.copy(from, to);
            }
        }
        DurableFiles.syncDirectory(target);
        DurableFiles.syncDirectory(target.getParent());
    }

    private static void remove(Path dir) {
        try {
            DurableFiles.deleteTree(dir);
        } catch (IOException e) {
            log.warn("Cannot remove {}: {}", dir.getFileName(), e.toString());
        }
    }
}
