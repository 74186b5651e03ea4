package dev.mediaflow.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where the shared secret comes from: {@code MEDIAFLOW_INTERNAL_TOKEN} when set (a Kubernetes Secret, the
 * system tests), else a token file that the first service to start on this machine creates with a random value
 * ({@code data/internal-token}, as {@code scripts/local} does too). So services started from one directory
 * agree without any setup, and a secret is never a well-known default.
 */
public final class InternalToken {

    /** Shorter secrets are refused: the HMAC is only as strong as its key. */
    public static final int MIN_LENGTH = 32;

    private InternalToken() {
    }

    public static String resolve(String configured, Path file) {
        if (configured != null && !configured.isBlank()) {
            String token = configured.trim();
            if (token.length() < MIN_LENGTH) {
                throw new IllegalArgumentException("MEDIAFLOW_INTERNAL_TOKEN is too short: at least " + MIN_LENGTH
                        + " characters (e.g. openssl rand -hex 32)");
            }
            return token;
        }
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.length() < MIN_LENGTH) {
                throw new IllegalArgumentException("the internal token in " + file + " is shorter than "
                        + MIN_LENGTH + " characters");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the internal token file " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // written in full under a temporary name, then linked into place: a service starting at the same
        // moment sees either no file or the whole token, and only one token ever wins
        Path temp = Files.createTempFile(parent, ".internal-token", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the file system has no POSIX permissions; the directory's own protection applies
            }
            Files.writeString(temp, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.WRITE);
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException anotherServiceWasFirst) {
            // read what it wrote
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
