package dev.mediaflow.gateway.auth;

import java.util.Locale;

public enum Role {
    USER,
    ADMIN;

    /** The value of the {@code X-Mediaflow-Role} header and of the key configuration. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String authority() {
        return "ROLE_" + name();
    }
}
