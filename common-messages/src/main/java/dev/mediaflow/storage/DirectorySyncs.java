package dev.mediaflow.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit for directory syncs: threads that renamed files into the same directory at about the same time
 * share one fsync of it instead of queueing for one each. A caller returns only after an fsync of the directory
 * that started after it called has completed, so its rename (done before the call) is durable exactly as with a
 * sync of its own; while one fsync runs, every caller that arrives meanwhile waits and the next fsync covers all of
 * them. Concurrent uploads into one owner's folder are the case: each waited for its own journal commit.
 *
 * <p>One group per directory, kept for the life of the process: for directories whose number is bounded (one per
 * owner), not for one folder per item.
 */
final class DirectorySyncs {

    /** The fsync itself, replaceable in tests. */
    @FunctionalInterface
    interface Fsync {
        void run(Path dir) throws IOException;
    }

    private final ConcurrentHashMap<Path, Group> groups = new ConcurrentHashMap<>();
    private final Fsync fsync;

    DirectorySyncs(Fsync fsync) {
        this.fsync = fsync;
    }

    /** Returns once an fsync of {@code dir} that started after this call has completed. */
    void sync(Path dir) throws IOException {
        groups.computeIfAbsent(dir, d -> new Group()).sync(dir);
    }

    private final class Group {
        /** Tickets handed out: a caller's ticket is taken after its rename. */
        private long requested;
        /** Every ticket up to this one is covered by a completed fsync. */
        private long covered;
        private boolean running;

        void sync(Path dir) throws IOException {
            long ticket;
            long covers;
            synchronized (this) {
                ticket = ++requested;
                while (true) {
                    if (covered >= ticket) {
                        return;
                    }
                    if (!running) {
                        break;
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for a sync of " + dir);
                    }
                }
                // this thread syncs, for every ticket taken so far: their renames all happened before the fsync starts
                running = true;
                covers = requested;
            }
            boolean synced = false;
            try {
                fsync.run(dir);
                synced = true;
            } finally {
                synchronized (this) {
                    running = false;
                    if (synced) {
                        covered = Math.max(covered, covers);
                    }
                    // on a failure the waiters wake up uncovered, and one of them tries again for all
                    notifyAll();
                }
            }
        }
    }
}
