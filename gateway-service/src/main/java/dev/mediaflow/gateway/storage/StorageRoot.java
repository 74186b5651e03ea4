package dev.mediaflow.gateway.storage;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.messages.StorageLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** The shared storage directory ({@code MEDIAFLOW_STORAGE_ROOT}) and the gateway's places in it. */
@Component
public class StorageRoot {

    private static final Logger log = LoggerFactory.getLogger(StorageRoot.class);

    private final Path root;

    public StorageRoot(GatewayProperties properties) {
        this.root = properties.storageRoot().toAbsolutePath().normalize();
        try {
            Files.createDirectories(tmp());
            Files.createDirectories(uploads());
            Files.createDirectories(spool());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the storage directories under " + root, e);
        }
        log.info("Storage root: {}", root);
    }

    public Path root() {
        return root;
    }

    public Path tmp() {
        return root.resolve("tmp");
    }

    public Path uploads() {
        return root.resolve("uploads");
    }

    public Path processed() {
        return root.resolve("processed");
    }

    public Path spool() {
        return root.resolve("spool");
    }

    public Path resolve(String relative) {
        return StorageLayout.resolve(root, relative);
    }

    public Path newTempUploadFile() {
        return tmp().resolve("upload-" + UUID.randomUUID() + ".part");
    }
}
