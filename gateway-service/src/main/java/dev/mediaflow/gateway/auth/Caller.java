package dev.mediaflow.gateway.auth;

import dev.mediaflow.http.CallerRole;
import org.springframework.security.core.Authentication;

import java.util.Optional;

/** Who made an authenticated call: the owner name (also a directory name in storage) and its role. */
public record Caller(String owner, CallerRole role) {

    public boolean isAdmin() {
        return role == CallerRole.ADMIN;
    }

    /** The Spring Security authority of the role, for {@code hasRole}. */
    public String authority() {
        return "ROLE_" + role.name();
    }

    public boolean mayRead(String itemOwner) {
        return isAdmin() || owner.equals(itemOwner);
    }

    /** The caller behind a request's principal (for web filters); empty when it was not authenticated by a key. */
    public static Optional<Caller> of(Object principal) {
        return principal instanceof Authentication authentication
                && authentication.getPrincipal() instanceof Caller caller ? Optional.of(caller) : Optional.empty();
    }
}
