package dev.mediaflow.http;

import java.util.Optional;

/** The roles of docs/api.md, "The basics", with the one spelling used in the key configuration and in headers. */
public enum CallerRole {
    USER("user"),
    ADMIN("admin");

    private final String value;

    CallerRole(String value) {
        this.value = value;
    }

    /** As written in {@code MEDIAFLOW_API_KEYS} and in {@link MediaflowHeaders#ROLE}. */
    public String value() {
        return value;
    }

    /** The role spelled exactly {@code user} or {@code admin}; anything else is no role at all. */
    public static Optional<CallerRole> parse(String value) {
        for (CallerRole role : values()) {
            if (role.value.equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
