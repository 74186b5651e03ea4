package dev.mediaflow.messages;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class MessagesTest {

    @Test
    void operationsParseAndSplitByWorker() {
        List<Operation> ops = Operation.parseList(" depth, thumbnail ,blur");
        assertThat(ops).containsExactly(Operation.THUMBNAIL, Operation.BLUR, Operation.DEPTH);
        assertThat(Operation.forWorker(ops, WorkerKind.IMAGE)).containsExactly(Operation.THUMBNAIL, Operation.BLUR);
        assertThat(Operation.parseList(null)).hasSize(4);
        assertThatThrownBy(() -> Operation.parseList("thumbnail,sepia"))
                .hasMessageContaining("sepia");
        assertThatThrownBy(() -> Operation.parseList(" , ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noopIsRefusedLikeAnUnknownNameUnlessTheBenchmarkSwitchIsOn() {
        assertThat(Operation.parseList(null, false)).containsExactlyElementsOf(Operation.standard())
                .doesNotContain(Operation.NOOP);
        String unknown = catchThrowable(() -> Operation.parseList("sepia", false)).getMessage();
        String noop = catchThrowable(() -> Operation.parseList("noop", false)).getMessage();
        assertThat(noop).isEqualTo(unknown.replace("sepia", "noop"));
        assertThatThrownBy(() -> Operation.fromRequest("noop", false)).hasMessage(noop);

        assertThat(Operation.parseList("noop", true)).containsExactly(Operation.NOOP);
        assertThat(Operation.fromRequest("noop", true).worker()).isEqualTo(WorkerKind.IMAGE);
        // a message or a stored row always reads it: a job submitted under the switch completes anyway
        assertThat(Operation.fromJson("noop")).isEqualTo(Operation.NOOP);
        assertThat(Operation.parseList("noop")).containsExactly(Operation.NOOP);
    }

    @Test
    void submissionRoundTripsThroughJsonAndMakesOneTaskPerWorker() {
        JobSubmission s = new JobSubmission(UUID.randomUUID(), UUID.randomUUID(), "alice", "cat.jpg",
                MediaType.PHOTO, 1234, "ab", "uploads/alice/x.jpg", "processed/alice/x",
                List.of(Operation.THUMBNAIL, Operation.LOW_QUALITY, Operation.DEPTH), 7, 3, null, null, 1,
                Instant.parse("2026-01-01T00:00:00Z"), null);
        JobEvent event = JobEvent.submitted(s);
        String json = new String(Json.write(event));
        assertThat(json).contains("\"type\":\"job.submitted\"", "\"low-quality\"", "\"photo\"",
                "\"2026-01-01T00:00:00Z\"");
        JobEvent back = Json.read(json.getBytes(), JobEvent.class);
        assertThat(back.submission()).isEqualTo(s);
        assertThat(s.tasks()).extracting(TaskMessage::worker).containsExactly(WorkerKind.IMAGE, WorkerKind.VISION);
        assertThat(s.taskFor(WorkerKind.VISION).operations()).containsExactly(Operation.DEPTH);
    }

    @Test
    void aDuplicateRoundTripsWithTheResultsItReusesHasNoTasksAndShowsCompleted() {
        JobSubmission s = new JobSubmission(UUID.randomUUID(), UUID.randomUUID(), "alice", "cat.jpg",
                MediaType.PHOTO, 1234, "ab", "uploads/alice/x.jpg", "processed/alice/x",
                List.of(Operation.THUMBNAIL, Operation.DEPTH), 7, 3, null, null, 1,
                Instant.parse("2026-01-01T00:00:00Z"), null);
        assertThat(new String(Json.write(s))).doesNotContain("duplicateOf", "reusedResults", "duplicate\"");
        UUID earlier = UUID.randomUUID();
        JobSubmission duplicate = s.asDuplicateOf(earlier, Map.of("thumbnail", VariantResult.of(320, 240, 9),
                "depth", new VariantResult(64, 48, 99, "m")));

        JobSubmission back = Json.read(Json.write(duplicate), JobSubmission.class);
        assertThat(back).isEqualTo(duplicate);
        assertThat(back.duplicateOf()).isEqualTo(earlier);
        assertThat(back.tasks()).isEmpty();
        QueueItem item = QueueItem.fromSubmission(back, "queued");
        assertThat(item.status()).isEqualTo("completed");
        assertThat(item.completedAt()).isEqualTo(s.createdAt());
        assertThat(item.results().get("depth"))
                .isEqualTo(new QueueItem.Result("/api/media/" + s.mediaItemId() + "/variants/depth", 64, 48, 99, "m"));
    }

    @Test
    void pathsFromMessagesCannotLeaveTheRoot() {
        Path root = Path.of("/srv/media");
        assertThat(StorageLayout.resolve(root, "uploads/alice/a.jpg")).isEqualTo(Path.of("/srv/media/uploads/alice/a.jpg"));
        assertThatThrownBy(() -> StorageLayout.resolve(root, "../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageLayout.resolve(root, "/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryDelaysParseAndTheLastRepeats() {
        List<Duration> delays = TopologyDeclarations.parseDelays("100ms, 2s,5m");
        assertThat(delays).containsExactly(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(5));
        assertThat(TopologyDeclarations.delayAfter(delays, 1)).isEqualTo(Duration.ofMillis(100));
        assertThat(TopologyDeclarations.delayAfter(delays, 9)).isEqualTo(Duration.ofMinutes(5));
        assertThat(Topology.waitQueue(WorkerKind.IMAGE, Duration.ofSeconds(30))).isEqualTo("mediaflow.retry.image.30s");
        assertThatThrownBy(() -> TopologyDeclarations.parseDelays("5")).hasMessageContaining("unit");
    }
}
