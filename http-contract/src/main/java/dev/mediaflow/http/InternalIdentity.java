package dev.mediaflow.http;

/**
 * Who the gateway says is calling, after its signature was checked. Internal services read the caller from
 * here (the request attribute {@link #ATTRIBUTE}), never from the raw headers.
 */
public record InternalIdentity(String owner, CallerRole role) {

    public static final String ATTRIBUTE = "mediaflow.internal-identity";

    public boolean admin() {
        return role == CallerRole.ADMIN;
    }
}
