package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.meters.PublishMeters;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which fsyncs an upload's job costs: the spool record is synced only when the broker did not confirm the job
 * (it stays pending, and the record is all there is); a confirmed job leaves the spool without any sync of it.
 */
class SpoolSyncTest {

    @TempDir
    Path root;

    private StorageRoot storage;
    private RecordingSpool spool;
    private PublishedJobs published;
    private GatewayProperties properties;
    private boolean brokerConfirms;

    /** Counts the syncs of records; can be told to fail them like a broken disk. */
    static final class RecordingSpool extends SubmissionSpool {
        final List<UUID> synced = new ArrayList<>();
        /** The file (inode) each staged record was written to. */
        final Map<UUID, Object> stagedFiles = new HashMap<>();
        boolean failSync;

        RecordingSpool(StorageRoot storage) {
            super(storage);
        }

        @Override
        public void stage(JobSubmission submission) throws IOException {
            super.stage(submission);
            stagedFiles.put(submission.jobId(), fileKey(fileOf(submission.jobId())));
        }

        @Override
        public void makeDurable(UUID jobId) throws IOException {
            if (failSync) {
                throw new IOException("fsync failed");
            }
            super.makeDurable(jobId);
            synced.add(jobId);
        }
    }

    @BeforeEach
    void setUp() {
        properties = new Binder(new MapConfigurationPropertySource(Map.of("mediaflow.storage-root", root.toString())))
                .bindOrCreate("mediaflow", GatewayProperties.class);
        storage = new StorageRoot(properties);
        spool = new RecordingSpool(storage);
        published = new PublishedJobs(storage);
    }

    private JobDispatcher dispatcher() {
        return dispatcher(published);
    }

    private JobDispatcher dispatcher(PublishedJobs publishedJobs) {
        JobPublisher publisher = new JobPublisher(new RabbitTemplate(), properties,
                new DefaultListableBeanFactory().getBeanProvider(ObservationRegistry.class)) {
            @Override
            public void publish(JobSubmission submission) {
                if (!brokerConfirms) {
                    throw new AmqpException("not confirmed");
                }
            }
        };
        return new JobDispatcher(spool, publishedJobs, publisher, storage,
                new PublishMeters(new SimpleMeterRegistry()), properties);
    }

    private static JobSubmission job() {
        UUID mediaItemId = UUID.randomUUID();
        return new JobSubmission(UUID.randomUUID(), mediaItemId, "alice", "a.jpg", MediaType.PHOTO, 10,
                "00".repeat(32), "uploads/alice/" + mediaItemId + ".jpg", "processed/alice/" + mediaItemId,
                List.of(Operation.THUMBNAIL), 5, 3, null, null, 1, Instant.now(), null);
    }

    @Test
    void aConfirmedJobLeavesTheSpoolWithoutItsRecordEverBeingSynced() throws IOException {
        brokerConfirms = true;
        JobSubmission job = job();

        assertThat(dispatcher().dispatch(job, () -> { })).isEqualTo(DispatchStatus.QUEUED);

        assertThat(spool.synced).isEmpty();
        assertThat(spool.find(job.jobId())).isEmpty();
        assertThat(published.find(job.jobId())).hasValueSatisfying(p -> {
            assertThat(p.status()).isEqualTo("queued");
            assertThat(p.submission()).isEqualTo(job);
        });
        // the staged record itself, moved: the job is not written a second time
        assertThat(fileKey(publishedRecord(job))).isEqualTo(spool.stagedFiles.get(job.jobId()));
    }

    @Test
    void aConfirmedJobWhoseRecordCannotBeMovedIsWrittenAnewAndLeavesTheSpool() throws IOException {
        brokerConfirms = true;
        JobSubmission job = job();
        // the move fails: its target's folder is a file now (the fallback's write would fail the same way, so the
        // folder is put back before it): the job is written anew there and its spool record deleted
        Path folder = storage.spool().resolve("published");
        PublishedJobs moveFails = new PublishedJobs(storage) {
            @Override
            void remember(JobSubmission submission, boolean cancelled) {
                try {
                    Files.delete(folder);
                    Files.createDirectories(folder);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                super.remember(submission, cancelled);
            }
        };

        Files.delete(folder);
        Files.writeString(folder, "not a folder");

        assertThat(dispatcher(moveFails).dispatch(job, () -> { })).isEqualTo(DispatchStatus.QUEUED);

        assertThat(spool.find(job.jobId())).isEmpty();
        assertThat(Files.exists(storage.spool().resolve(job.jobId() + ".json"))).isFalse();
        assertThat(moveFails.find(job.jobId())).hasValueSatisfying(p -> assertThat(p.submission()).isEqualTo(job));
        assertThat(fileKey(publishedRecord(job))).isNotEqualTo(spool.stagedFiles.get(job.jobId()));
    }

    private Path publishedRecord(JobSubmission job) {
        return storage.spool().resolve("published").resolve(job.jobId() + ".json");
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Test
    void aPendingJobsRecordIsSyncedBeforeTheUploadIsAnswered() throws IOException {
        brokerConfirms = false;
        JobSubmission job = job();

        assertThat(dispatcher().dispatch(job, () -> { })).isEqualTo(DispatchStatus.PENDING);

        assertThat(spool.synced).containsExactly(job.jobId());
        assertThat(spool.find(job.jobId())).contains(job);
    }

    @Test
    void aPendingJobWhoseRecordCannotBeSyncedIsRefusedAndLeavesNoRecord() {
        brokerConfirms = false;
        spool.failSync = true;
        JobSubmission job = job();

        assertThatThrownBy(() -> dispatcher().dispatch(job, () -> { })).isInstanceOf(IOException.class);

        assertThat(spool.find(job.jobId())).isEmpty();
        assertThat(Files.exists(storage.spool().resolve(job.jobId() + ".json"))).isFalse();
    }
}
