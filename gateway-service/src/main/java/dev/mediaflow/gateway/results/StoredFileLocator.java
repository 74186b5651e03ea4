package dev.mediaflow.gateway.results;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.gateway.upload.StoredFormat;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.StorageLayout;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Finds an item's files on disk. Ownership is the path itself: a user looks only in its own owner
 * directory, so another owner's item is simply not there; admin looks in every owner's.
 */
@Component
public class StoredFileLocator {

    public record Found(Path path, String contentType) {
    }

    private final StorageRoot storage;

    public StoredFileLocator(StorageRoot storage) {
        this.storage = storage;
    }

    public Optional<Found> variant(Caller caller, UUID mediaItemId, Operation variant) {
        for (String owner : ownersVisibleTo(caller, storage.processed())) {
            Path file = storage.resolve(StorageLayout.outputDir(owner, mediaItemId)).resolve(variant.fileName());
            if (Files.isRegularFile(file)) {
                return Optional.of(new Found(file, variant.contentType()));
            }
        }
        return Optional.empty();
    }

    public Optional<Found> original(Caller caller, UUID mediaItemId) {
        for (String owner : ownersVisibleTo(caller, storage.uploads())) {
            for (StoredFormat format : StoredFormat.values()) {
                Path file = storage.resolve(StorageLayout.uploadPath(owner, mediaItemId, format.extension()));
                if (Files.isRegularFile(file)) {
                    return Optional.of(new Found(file, format.contentType()));
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> ownersVisibleTo(Caller caller, Path area) {
        if (!caller.isAdmin()) {
            return List.of(caller.owner());
        }
        try (Stream<Path> owners = Files.list(area)) {
            return owners.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + area, e);
        }
    }
}
