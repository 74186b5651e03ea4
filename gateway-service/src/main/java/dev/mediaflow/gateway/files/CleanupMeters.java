package dev.mediaflow.gateway.files;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.Locale;

/**
 * What the file cleanup did: {@code mediaflow_file_cleanups_total{trigger,outcome}} (runs, by
 * {@code schedule} or {@code api}, {@code success} or {@code failure}),
 * {@code mediaflow_file_cleanup_removed_files_total} and {@code mediaflow_file_cleanup_freed_bytes_total}.
 */
@Component
class CleanupMeters {

    /** Who asked for a cleanup. */
    enum Trigger {
        SCHEDULE, API;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Counter removedFiles;
    private final Counter freedBytes;

    CleanupMeters(MeterRegistry registry) {
        this.registry = registry;
        for (Trigger trigger : Trigger.values()) {
            for (String outcome : new String[]{"success", "failure"}) {
                runs(trigger, outcome);
            }
        }
        this.removedFiles = Counter.builder("mediaflow.file.cleanup.removed.files")
                .description("files (originals and results) removed by the file cleanup").register(registry);
        this.freedBytes = Counter.builder("mediaflow.file.cleanup.freed")
                .description("bytes the file cleanup freed").baseUnit("bytes").register(registry);
    }

    void succeeded(Trigger trigger, long files, long bytes) {
        runs(trigger, "success").increment();
        removedFiles.increment(files);
        freedBytes.increment(bytes);
    }

    /** A run that stopped part-way still removed what it counted. */
    void failed(Trigger trigger, long files, long bytes) {
        runs(trigger, "failure").increment();
        removedFiles.increment(files);
        freedBytes.increment(bytes);
    }

    private Counter runs(Trigger trigger, String outcome) {
        return Counter.builder("mediaflow.file.cleanups")
                .description("file cleanup runs by who asked and how they ended")
                .tag("trigger", trigger.tag())
                .tag("outcome", outcome)
                .register(registry);
    }
}
