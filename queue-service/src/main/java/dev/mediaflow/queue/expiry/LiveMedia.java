package dev.mediaflow.queue.expiry;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.store.MediaItemRow;

/**
 * A change that will run a job (enqueue, retry) needs the media item's original. Once the item expired
 * ({@code MEDIAFLOW_FILE_TTL}) the original is gone, and the change is refused with 410 {@code expired} instead
 * of a job that could only fail.
 */
public final class LiveMedia {

    private LiveMedia() {
    }

    /** @throws ApiException 410 {@code expired} when the item expired */
    public static MediaItemRow require(MediaItemRow media) {
        if (media.expired()) {
            throw ApiException.expired("media item " + media.id() + " expired at " + media.expiredAt()
                    + ": its original and results were removed after the file TTL");
        }
        return media;
    }
}
