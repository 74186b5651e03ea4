package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.background.PeriodicRounds;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.files.CleanupMeters.Trigger;
import org.springframework.stereotype.Component;

/**
 * The file cleanup every {@code MEDIAFLOW_FILE_CLEANUP_INTERVAL} (first one interval after start), only while
 * {@code MEDIAFLOW_FILE_TTL} is set: without it files are kept forever and nothing is scheduled.
 */
@Component
class ScheduledFileCleanup extends PeriodicRounds {

    private final FileCleanup cleanup;

    ScheduledFileCleanup(FileCleanup cleanup, GatewayProperties properties) {
        super("file-cleanup", properties.fileCleanupInterval(), properties.fileCleanupInterval());
        this.cleanup = cleanup;
    }

    @Override
    public boolean isAutoStartup() {
        return cleanup.ttl().isPresent();
    }

    @Override
    protected void runRound() {
        cleanup.run(Trigger.SCHEDULE);
    }
}
