package dev.mediaflow.gateway.auth;

import dev.mediaflow.http.CallerRole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API keys: {@code MEDIAFLOW_API_KEYS} ({@code owner:role:key} triples, comma separated) and
 * {@code MEDIAFLOW_API_KEYS_FILE} (one {@code owner:role:sha256-hex-of-key} per line, for a Kubernetes Secret
 * that never holds a usable key). Only SHA-256 digests are kept in memory, so neither a heap dump nor a
 * {@code toString} reveals a key, and a lookup compares digests in constant time against every entry.
 * Parsing refuses anything malformed, so a typo stops the gateway instead of locking users out; its messages
 * name the entry or line, never the key.
 */
public final class ApiKeyRegistry {

    public static final String DEVELOPMENT_KEYS =
            "alice:user:dev-alice-key,bob:user:dev-bob-key,admin:admin:dev-admin-key";

    /** The owner becomes a directory name under uploads/ and processed/. */
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E&&[^,:]]{8,}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private record Entry(byte[] digest, Caller caller) {
    }

    private final List<Entry> entries;

    private ApiKeyRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** {@code MEDIAFLOW_API_KEYS}: keys in clear. */
    public static ApiKeyRegistry parse(String spec) {
        return new Builder().addPlain(spec).build();
    }

    /** {@code MEDIAFLOW_API_KEYS_FILE}'s content: digests only; blank lines and {@code #} comments are skipped. */
    public static ApiKeyRegistry parseHashed(String fileContent) {
        return new Builder().addHashed(fileContent).build();
    }

    /** SHA-256 of the key's UTF-8 bytes, lower-case hex: what a keys file holds ({@code sha256sum} gives it too). */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    public Optional<Caller> lookup(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey);
        Caller found = null;
        // compare against every entry, always all 32 bytes, so the answer time reveals nothing about the keys
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(presented, entry.digest())) {
                found = entry.caller();
            }
        }
        return Optional.ofNullable(found);
    }

    public int size() {
        return entries.size();
    }

    @Override
    public String toString() {
        return "ApiKeyRegistry[" + entries.size() + " keys]";
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** Collects both sources into one registry, refusing a key (digest) given twice. */
    public static final class Builder {

        private final List<Entry> entries = new ArrayList<>();

        public Builder addPlain(String spec) {
            if (spec == null || spec.isBlank()) {
                throw invalid("MEDIAFLOW_API_KEYS", "it is empty");
            }
            int position = 0;
            for (String entry : spec.split(",", -1)) {
                position++;
                String[] parts = entry.trim().split(":", -1);
                String where = "entry " + position;
                if (parts.length != 3) {
                    throw invalid("MEDIAFLOW_API_KEYS", where + " is not owner:role:key");
                }
                Caller caller = caller("MEDIAFLOW_API_KEYS", where, parts[0].trim(), parts[1].trim());
                String key = parts[2].trim();
                if (!KEY.matcher(key).matches()) {
                    throw invalid("MEDIAFLOW_API_KEYS", where + " (owner '" + caller.owner()
                            + "') has an invalid key: at least 8 printable characters without ',' or ':'");
                }
                add("MEDIAFLOW_API_KEYS", where, sha256(key), caller);
            }
            return this;
        }

        public Builder addHashed(String fileContent) {
            String[] lines = fileContent.split("\\R", -1);
            int added = 0;
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String where = "line " + (i + 1);
                String[] parts = line.split(":", -1);
                if (parts.length != 3) {
                    throw invalid("MEDIAFLOW_API_KEYS_FILE", where + " is not owner:role:sha256-hex");
                }
                Caller caller = caller("MEDIAFLOW_API_KEYS_FILE", where, parts[0].trim(), parts[1].trim());
                String digest = parts[2].trim();
                if (!SHA256_HEX.matcher(digest).matches()) {
                    throw invalid("MEDIAFLOW_API_KEYS_FILE", where + " (owner '" + caller.owner()
                            + "') does not end in a SHA-256 digest (64 hex digits; a key itself is never accepted here)");
                }
                add("MEDIAFLOW_API_KEYS_FILE", where, HexFormat.of().parseHex(digest.toLowerCase()), caller);
                added++;
            }
            if (added == 0) {
                throw invalid("MEDIAFLOW_API_KEYS_FILE", "it holds no key");
            }
            return this;
        }

        public ApiKeyRegistry build() {
            return new ApiKeyRegistry(entries);
        }

        private void add(String source, String where, byte[] digest, Caller caller) {
            for (Entry existing : entries) {
                if (MessageDigest.isEqual(existing.digest(), digest)) {
                    throw invalid(source, where + " (owner '" + caller.owner() + "') repeats the key of owner '"
                            + existing.caller().owner() + "'");
                }
            }
            entries.add(new Entry(digest, caller));
        }

        private static Caller caller(String source, String where, String owner, String roleName) {
            if (!OWNER.matcher(owner).matches() || owner.equals("..")) {
                throw invalid(source, where + " has an invalid owner '" + owner
                        + "' (letters, digits, '_', '-', '.'; at most 64)");
            }
            CallerRole role = CallerRole.parse(roleName).orElseThrow(() -> invalid(source, where
                    + " has role '" + roleName + "' (expected user or admin)"));
            return new Caller(owner, role);
        }

        private static InvalidApiKeysException invalid(String source, String why) {
            String expected = source.equals("MEDIAFLOW_API_KEYS_FILE")
                    ? "Expected one owner:role:sha256-hex line per key, e.g. alice:user:"
                    + "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"
                    : "Expected owner:role:key triples separated by commas, e.g. "
                    + "alice:user:some-secret,root:admin:other-secret";
            return new InvalidApiKeysException(source + " is malformed: " + why + ". " + expected);
        }
    }
}
