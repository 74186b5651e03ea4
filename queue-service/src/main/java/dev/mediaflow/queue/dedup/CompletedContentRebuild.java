package dev.mediaflow.queue.dedup;

import dev.mediaflow.queue.background.SubscribedLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fills the completed-content filter from PostgreSQL and marks it complete ({@link CompletedContentFilter}): at
 * start, since a crash may have come between a completion's commit and its bits, and whenever the mark is gone
 * (Redis lost its data, an add failed), checked every {@value #CHECK_SECONDS} seconds; until then the gateway asks
 * queue-service for every upload, as it did before the filter existed. A rebuild reads each owner's file once, of
 * the media items that have a completed job and are not being deleted (a bit of a deleted item stays: it only costs
 * a question), and begins with a new generation, so that an add that failed meanwhile keeps the mark away.
 */
@Component
public class CompletedContentRebuild extends SubscribedLifecycle {

    static final int CHECK_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(CompletedContentRebuild.class);
    private static final String COMPLETED_CONTENT = """
            SELECT DISTINCT m.owner, m.sha256 FROM media_items m
            WHERE m.deleting_since IS NULL
              AND EXISTS (SELECT 1 FROM jobs j WHERE j.media_item_id = m.id AND j.status = 'completed')""";

    private final CompletedContentFilter filter;
    private final DatabaseClient db;

    public CompletedContentRebuild(CompletedContentFilter filter, DatabaseClient db) {
        this.filter = filter;
        this.db = db;
    }

    @Override
    protected Disposable subscribe() {
        return periodically(Duration.ZERO, Duration.ofSeconds(CHECK_SECONDS), this::pass, log,
                "Dedup filter check");
    }

    /** Rebuilds when an invalidation is owed or the mark is gone. */
    Mono<Void> pass() {
        if (filter.invalidationOwed()) {
            return rebuild();
        }
        return filter.ready().flatMap(ready -> ready ? Mono.<Void>empty() : rebuild());
    }

    /** Invalidates, fills the filter from PostgreSQL and sets the mark, unless invalidated again meanwhile. */
    Mono<Void> rebuild() {
        return filter.newGeneration().flatMap(generation -> {
            long start = System.nanoTime();
            AtomicLong items = new AtomicLong();
            return filter.setBits(db.sql(COMPLETED_CONTENT)
                            .map(row -> new CompletedContentFilter.Content(row.get("owner", String.class),
                                    row.get("sha256", String.class)))
                            .all()
                            .doOnNext(content -> items.incrementAndGet()))
                    .then(Mono.defer(() -> filter.invalidationOwed() ? Mono.just(false) : filter.markReady(generation)))
                    .doOnNext(marked -> {
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        if (marked) {
                            log.info("Dedup filter rebuilt from {} completed media item(s) in {} ms; the gateway "
                                    + "asks queue-service only for files it may hold", items.get(), ms);
                        } else {
                            log.info("Dedup filter rebuild of {} item(s) superseded by an invalidation; it runs again",
                                    items.get());
                        }
                    });
        }).then();
    }
}
