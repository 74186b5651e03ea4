package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Counting an owner's spooled jobs in a real spool directory, with each record's owner read at most once. */
class SpooledOwnersTest {

    private final SubmissionSpool spool = new SubmissionSpool(new StorageRoot(new Binder(new MapConfigurationPropertySource(
            Map.of("mediaflow.storage-root", TestFiles.tempDirectory("mf-spooled-owners").toString())))
            .bindOrCreate("mediaflow", GatewayProperties.class)));
    private final Path dir = spool.fileOf(UUID.randomUUID()).getParent();
    private final AtomicInteger reads = new AtomicInteger();
    /** Counts on the spool's own listing, as the spool does, with the reads counted. */
    private final SpooledOwners owners = new SpooledOwners(spool::presentJobIds, jobId -> {
        reads.incrementAndGet();
        return SpooledOwners.ownerIn(spool.fileOf(jobId));
    });

    @Test
    void aRecordThisGatewayStagesIsCountedWithoutBeingRead() throws Exception {
        UUID jobId = record("alice");
        owners.writing(jobId, "alice");

        assertThat(owners.jobsOf("alice")).isEqualTo(1);
        assertThat(owners.jobsOf("bob")).isZero();
        assertThat(reads).hasValue(0);
    }

    @Test
    void anotherReplicasRecordIsReadOnceHoweverOftenTheOwnerIsCounted() throws Exception {
        record("alice");
        record("alice");
        record("bob");

        for (int i = 0; i < 50; i++) {
            assertThat(owners.jobsOf("alice")).isEqualTo(2);
            assertThat(owners.jobsOf("bob")).isEqualTo(1);
        }
        assertThat(reads).hasValue(3);
    }

    @Test
    void aRecordGoneFromTheSpoolIsNoLongerCountedNorRemembered() throws Exception {
        UUID first = record("alice");
        UUID second = record("alice");
        assertThat(owners.jobsOf("alice")).isEqualTo(2);

        Files.delete(dir.resolve(first + ".json"));

        assertThat(owners.jobsOf("alice")).isEqualTo(1);
        assertThat(owners.remembered()).isEqualTo(1);
        Files.delete(dir.resolve(second + ".json"));
        assertThat(owners.jobsOf("alice")).isZero();
        assertThat(owners.remembered()).isZero();
    }

    @Test
    void onlyJobRecordsCountNotGarbageTempFilesCancelMarksOrRecordsSetAside() throws Exception {
        UUID kept = record("alice");
        Files.writeString(dir.resolve(UUID.randomUUID() + ".json"), "{not json", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("not-a-uuid.json"), "{}", StandardCharsets.UTF_8);
        Files.write(dir.resolve(kept + ".cancelled"), new byte[0]);
        Files.write(dir.resolve(UUID.randomUUID() + ".json.tmp"), Json.write(submission(UUID.randomUUID(), "alice")));
        Files.write(dir.resolve(UUID.randomUUID() + ".unreadable"), Json.write(submission(UUID.randomUUID(), "alice")));

        assertThat(owners.jobsOf("alice")).isEqualTo(1);
        // an unreadable record is asked about again next time: it may have been half seen, never half written
        assertThat(owners.jobsOf("alice")).isEqualTo(1);
    }

    @Test
    void aMissingSpoolDirectoryIsAnError() throws Exception {
        Files.delete(dir);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> owners.jobsOf("alice"))
                .hasMessageContaining("cannot list the spool");
    }

    private UUID record(String owner) throws Exception {
        UUID jobId = UUID.randomUUID();
        Files.write(dir.resolve(jobId + ".json"), Json.write(submission(jobId, owner)));
        return jobId;
    }

    private static JobSubmission submission(UUID jobId, String owner) {
        UUID mediaItemId = UUID.randomUUID();
        return new JobSubmission(jobId, mediaItemId, owner, "s.jpg", MediaType.PHOTO, 10, "00".repeat(32),
                "uploads/" + owner + "/" + mediaItemId + ".jpg", "processed/" + owner + "/" + mediaItemId,
                List.of(Operation.THUMBNAIL), 5, 3, null, null, 1, Instant.now(), null);
    }
}
