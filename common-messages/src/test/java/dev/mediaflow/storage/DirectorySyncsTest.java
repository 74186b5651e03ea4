package dev.mediaflow.storage;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectorySyncsTest {

    private static final Path DIR = Path.of("uploads/alice");

    /** One fsync as the fake disk saw it: when it started and ended, on a logical clock. */
    record Sync(long started, long ended) {
    }

    @Test
    void concurrentCallersShareFsyncsAndEachReturnsOnlyAfterOneThatStartedAfterItsCall() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<Sync> syncs = new CopyOnWriteArrayList<>();
        DirectorySyncs directory = new DirectorySyncs(dir -> {
            long started = clock.incrementAndGet();
            sleep(30);
            syncs.add(new Sync(started, clock.incrementAndGet()));
        });
        int callers = 24;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<long[]>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                long called = clock.incrementAndGet();
                directory.sync(DIR);
                return new long[]{called, clock.incrementAndGet()};
            }));
        }
        go.countDown();
        for (Future<long[]> call : calls) {
            long[] span = call.get(20, TimeUnit.SECONDS);
            assertThat(syncs).as("an fsync that began after the call and ended before it returned")
                    .anySatisfy(sync -> assertThat(sync.started() > span[0] && sync.ended() < span[1]).isTrue());
        }
        pool.shutdown();
        assertThat(syncs.size()).as("fsyncs for %d callers", callers).isBetween(1, callers / 2);
    }

    @Test
    void aFailedFsyncFailsItsCallerAndTheNextCallSyncsAgain() throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        DirectorySyncs directory = new DirectorySyncs(dir -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("disk gone");
            }
        });
        assertThatThrownBy(() -> directory.sync(DIR)).isInstanceOf(IOException.class).hasMessage("disk gone");
        directory.sync(DIR);
        directory.sync(DIR);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aDirectoryNoCallerSyncsAnyMoreKeepsNoGroup() throws Exception {
        List<Path> synced = new CopyOnWriteArrayList<>();
        DirectorySyncs directory = new DirectorySyncs(synced::add);
        for (int i = 0; i < 100; i++) {
            directory.sync(Path.of("/item-" + i));
        }
        assertThat(synced).hasSize(100);
        assertThat(directory.groups()).as("one folder per item must not leave one group per folder behind").isZero();

        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Path dir = Path.of("/owner-" + (i % 3));
                done.add(callers.submit(() -> {
                    directory.sync(dir);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(directory.groups()).isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
