package dev.mediaflow.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API keys of {@code MEDIAFLOW_API_KEYS}: {@code owner:role:key} triples, comma separated.
 * Parsing refuses anything malformed, so a typo stops the gateway instead of locking users out.
 */
public final class ApiKeyRegistry {

    public static final String DEVELOPMENT_KEYS =
            "alice:user:dev-alice-key,bob:user:dev-bob-key,admin:admin:dev-admin-key";

    /** The owner becomes a directory name under uploads/ and processed/. */
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E&&[^,:]]{8,}");

    private final Map<String, Caller> callersByKey;

    private ApiKeyRegistry(Map<String, Caller> callersByKey) {
        this.callersByKey = Map.copyOf(callersByKey);
    }

    public static ApiKeyRegistry parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw invalid("it is empty");
        }
        Map<String, Caller> byKey = new HashMap<>();
        int position = 0;
        for (String entry : spec.split(",", -1)) {
            position++;
            String trimmed = entry.trim();
            String[] parts = trimmed.split(":", -1);
            if (parts.length != 3) {
                throw invalid("entry " + position + " is not owner:role:key");
            }
            String owner = parts[0].trim();
            String roleName = parts[1].trim();
            String key = parts[2].trim();
            if (!OWNER.matcher(owner).matches() || owner.equals("..")) {
                throw invalid("entry " + position + " has an invalid owner '" + owner
                        + "' (letters, digits, '_', '-', '.'; at most 64)");
            }
            Role role = switch (roleName) {
                case "user" -> Role.USER;
                case "admin" -> Role.ADMIN;
                default -> throw invalid("entry " + position + " has role '" + roleName + "' (expected user or admin)");
            };
            if (!KEY.matcher(key).matches()) {
                throw invalid("entry " + position + " (owner '" + owner
                        + "') has an invalid key: at least 8 printable characters without ',' or ':'");
            }
            if (byKey.putIfAbsent(key, new Caller(owner, role)) != null) {
                throw invalid("entry " + position + " (owner '" + owner + "') repeats a key of another entry");
            }
        }
        return new ApiKeyRegistry(byKey);
    }

    private static InvalidApiKeysException invalid(String why) {
        return new InvalidApiKeysException("MEDIAFLOW_API_KEYS is malformed: " + why
                + ". Expected owner:role:key triples separated by commas, e.g. alice:user:some-secret,root:admin:other-secret");
    }

    public Optional<Caller> lookup(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = presentedKey.getBytes(StandardCharsets.UTF_8);
        Caller found = null;
        // compare against every key in constant time, so the answer time does not reveal a prefix
        for (Map.Entry<String, Caller> entry : callersByKey.entrySet()) {
            if (MessageDigest.isEqual(presented, entry.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = entry.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    public int size() {
        return callersByKey.size();
    }
}
