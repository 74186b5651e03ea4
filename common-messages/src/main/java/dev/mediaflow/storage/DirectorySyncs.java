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
 * <p>One group per directory while it is in use: a group with no caller left is dropped, so a process that moves
 * files into ever new directories does not keep one group per directory it ever saw. A caller that still holds a
 * dropped group stays correct (it syncs for itself); at worst two groups of one directory each run their fsync.
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
        Group group = groups.computeIfAbsent(dir, d -> new Group());
        try {
            group.sync(dir);
        } finally {
            if (group.idle()) {
                groups.remove(dir, group);
            }
        }
    }

    /** How many directories have a group now (for tests: idle groups are dropped). */
    int groups() {
        return groups.size();
    }

    private final class Group {
        /** Tickets handed out: a caller's ticket is taken after its rename. */
        private long requested;
        /** Every ticket up to this one is covered by a completed fsync. */
        private long covered;
        private boolean running;
        /** Callers inside {@link #sync} now. */
        private int callers;

        synchronized boolean idle() {
            return callers == 0;
        }

        void sync(Path dir) throws IOException {
            synchronized (this) {
                callers++;
            }
            try {
                syncCovering(dir);
            } finally {
                synchronized (this) {
                    callers--;
                }
            }
        }

        private void syncCovering(Path dir) throws IOException {
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
