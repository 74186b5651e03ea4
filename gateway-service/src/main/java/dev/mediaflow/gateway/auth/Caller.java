package dev.mediaflow.gateway.auth;

/** Who made an authenticated call: the owner name (also a directory name in storage) and its role. */
public record Caller(String owner, Role role) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public boolean mayRead(String itemOwner) {
        return isAdmin() || owner.equals(itemOwner);
    }
}
