package dev.mediaflow.messages;

import java.util.List;
import java.util.UUID;

/**
 * The gateway's questions to queue-service about jobs as a set, under {@code /internal/} like
 * {@link InternalMediaApi}: never forwarded for a client, signed like every call.
 */
public final class InternalJobsApi {

    private InternalJobsApi() {
    }

    /**
     * POST {@link JobIds} (at most {@link #MAX_JOB_IDS}), admin only: 200 {@link JobIds}, those of them queue-service
     * has recorded, deleted ones included (it answers for them). The gateway keeps a published job's record until
     * then; asking for a round of them at once costs one call and one statement, where asking job by job cost a
     * call and a whole item's read per upload.
     */
    public static final String RECORDED = "/internal/jobs/recorded";

    /** The most job ids one {@link #RECORDED} call may ask about. */
    public static final int MAX_JOB_IDS = 1000;

    /** Job ids, asked or answered. */
    public record JobIds(List<UUID> jobIds) {
    }
}
