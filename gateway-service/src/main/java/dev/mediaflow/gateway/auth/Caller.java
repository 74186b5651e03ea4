package dev.mediaflow.gateway.auth;

import dev.mediaflow.http.CallerRole;

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
}
