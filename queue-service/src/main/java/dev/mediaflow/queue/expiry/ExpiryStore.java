package dev.mediaflow.queue.expiry;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of the file lifecycle. A media item may expire when it has jobs and every one is final
 * ({@code completed}, {@code failed}, {@code cancelled}) since before the cut-off; a job still pending, queued
 * or processing, or final only recently, keeps the item's files.
 */
@Repository
class ExpiryStore {

    /** A job that keeps its media item's files: not final, or final (or queued, if it never ended) recently. */
    private static final String KEEPS_FILES = """
            SELECT 1 FROM jobs j WHERE j.media_item_id = m.id
              AND (j.status NOT IN ('completed', 'failed', 'cancelled')
                   OR coalesce(j.completed_at, j.queued_at) >= :finalBefore)""";

    private final DatabaseClient db;

    ExpiryStore(DatabaseClient db) {
        this.db = db;
    }

    /** Media items that may expire, oldest first; read without locks, so each is checked again under them. */
    Flux<UUID> candidates(Instant finalBefore, int limit) {
        return db.sql("SELECT m.id FROM media_items m WHERE m.expired_at IS NULL"
                        + " AND EXISTS (SELECT 1 FROM jobs j WHERE j.media_item_id = m.id)"
                        + " AND NOT EXISTS (" + KEEPS_FILES + ")"
                        + " ORDER BY m.created_at LIMIT :limit")
                .bind("finalBefore", finalBefore)
                .bind("limit", limit)
                .mapValue(UUID.class)
                .all();
    }

    /** The item's jobs in id order, the order in which an expiry takes their locks. */
    Mono<List<UUID>> jobIds(UUID mediaItemId) {
        return db.sql("SELECT id FROM jobs WHERE media_item_id = :id ORDER BY id")
                .bind("id", mediaItemId)
                .mapValue(UUID.class)
                .all()
                .collectList();
    }

    /**
     * Locks the item's row until the transaction ends; true when it is there and not expired yet. An enqueue,
     * retry or replay holding it (share lock) is waited for, so the statements after this one see its job.
     */
    Mono<Boolean> lockUnexpired(UUID mediaItemId) {
        return db.sql("SELECT expired_at IS NULL AS live FROM media_items WHERE id = :id FOR NO KEY UPDATE")
                .bind("id", mediaItemId)
                .map(row -> Boolean.TRUE.equals(row.get("live", Boolean.class)))
                .one()
                .defaultIfEmpty(false);
    }

    /** Whether a job of the item keeps its files; a fresh statement, so it sees what committed before the lock. */
    Mono<Boolean> keepsFiles(UUID mediaItemId, Instant finalBefore) {
        return db.sql("SELECT EXISTS (" + KEEPS_FILES + ") AS keeps FROM media_items m WHERE m.id = :id")
                .bind("id", mediaItemId)
                .bind("finalBefore", finalBefore)
                .map(row -> Boolean.TRUE.equals(row.get("keeps", Boolean.class)))
                .one()
                .defaultIfEmpty(true);
    }

    /**
     * Marks the item expired and drops its result rows: no result of it exists any more. Its results version goes
     * up with them (V87); every job of the item is snapshotted again in the same transaction.
     */
    Mono<Void> markExpired(UUID mediaItemId, Instant at) {
        return db.sql("UPDATE media_items SET expired_at = :at, results_version = results_version + 1"
                        + " WHERE id = :id")
                .bind("id", mediaItemId)
                .bind("at", at)
                .fetch().rowsUpdated()
                .then(db.sql("DELETE FROM results WHERE media_item_id = :id")
                        .bind("id", mediaItemId)
                        .fetch().rowsUpdated())
                .then();
    }

    /** Expired items whose files the gateway has not confirmed removed, those expired first first. */
    Flux<MediaExpiry> unremoved(int limit) {
        return db.sql("SELECT id, owner, expired_at FROM media_items"
                        + " WHERE expired_at IS NOT NULL AND files_removed_at IS NULL ORDER BY expired_at, id LIMIT :limit")
                .bind("limit", limit)
                .map(row -> new MediaExpiry(row.get("id", UUID.class), row.get("owner", String.class),
                        row.get("expired_at", Instant.class)))
                .all();
    }

    /** @return how many expired items were newly confirmed as having no files left */
    Mono<Long> confirmRemoved(Collection<UUID> mediaItemIds, Instant at) {
        if (mediaItemIds.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("UPDATE media_items SET files_removed_at = :at"
                        + " WHERE id IN (:ids) AND expired_at IS NOT NULL AND files_removed_at IS NULL")
                .bind("ids", List.copyOf(mediaItemIds))
                .bind("at", at)
                .fetch().rowsUpdated();
    }

    /** One item's owner and expiry, for the gateway's answer to a file that is not on disk. */
    Mono<MediaExpiry> find(UUID mediaItemId) {
        return db.sql("SELECT id, owner, expired_at FROM media_items WHERE id = :id")
                .bind("id", mediaItemId)
                .map(row -> new MediaExpiry(row.get("id", UUID.class), row.get("owner", String.class),
                        row.get("expired_at", Instant.class)))
                .one();
    }
}
