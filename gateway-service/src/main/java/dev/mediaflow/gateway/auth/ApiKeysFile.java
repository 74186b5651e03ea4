package dev.mediaflow.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code MEDIAFLOW_API_KEYS_FILE}; a file that cannot be read stops the gateway with its path and why. */
final class ApiKeysFile {

    private ApiKeysFile() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidApiKeysException("MEDIAFLOW_API_KEYS_FILE cannot be read: " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
