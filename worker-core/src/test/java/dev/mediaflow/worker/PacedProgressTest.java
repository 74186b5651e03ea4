package dev.mediaflow.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A task's progress steps passed on at most once per interval, counted from the task's start. */
class PacedProgressTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final List<Integer> published = new ArrayList<>();

    @Test
    void stepsSoonerThanTheIntervalAfterTheStartOrTheLastPublishedAreDropped() {
        PacedProgress progress = new PacedProgress(Duration.ofMillis(250), now::get, published::add);

        now.addAndGet(100 * MS);
        progress.accept(10); // 100 ms after the start: dropped
        now.addAndGet(150 * MS);
        progress.accept(20); // 250 ms after the start: published
        now.addAndGet(249 * MS);
        progress.accept(30); // 249 ms after it: dropped
        now.addAndGet(1 * MS);
        progress.accept(40); // 250 ms after it: published
        now.addAndGet(10_000 * MS);
        progress.accept(90); // a long step: published at once
        progress.accept(95); // right after it: dropped

        assertThat(published).containsExactly(20, 40, 90);
    }

    @Test
    void aQuickTaskPublishesNoStepAtAll() {
        PacedProgress progress = new PacedProgress(Duration.ofMillis(250), now::get, published::add);

        for (int step = 1; step <= 7; step++) {
            now.addAndGet(30 * MS);
            progress.accept(step * 12);
        }

        assertThat(published).isEmpty();
    }

    @Test
    void zeroPublishesEveryStep() {
        PacedProgress progress = new PacedProgress(Duration.ZERO, now::get, published::add);

        progress.accept(10);
        progress.accept(20);
        progress.accept(30);

        assertThat(published).containsExactly(10, 20, 30);
    }
}
