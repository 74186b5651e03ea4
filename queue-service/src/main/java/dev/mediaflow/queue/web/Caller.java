package dev.mediaflow.queue.web;

/** Who is asking, as the gateway vouches for it in its signed identity headers ({@link dev.mediaflow.http.InternalIdentity}). */
public record Caller(String owner, boolean admin) {

    public static final String ATTRIBUTE = "mediaflow.caller";

    /** The owner filter for queries: null for admin, who sees everything. */
    public String ownerFilter() {
        return admin ? null : owner;
    }

    public boolean canSee(String itemOwner) {
        return admin || owner.equals(itemOwner);
    }
}
