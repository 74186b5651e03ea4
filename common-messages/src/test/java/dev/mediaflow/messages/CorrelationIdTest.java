package dev.mediaflow.messages;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelationIdTest {

    @Test
    void acceptsShortUrlSafeIdsOnly() {
        assertThat(CorrelationId.accept("3f2a9c1e-7b4d-4e11-9d2a-0c5e8f6b1a20")).isPresent();
        assertThat(CorrelationId.accept("req_01HZX-retry.2:a")).contains("req_01HZX-retry.2:a");
        assertThat(CorrelationId.accept("a".repeat(CorrelationId.MAX_LENGTH))).isPresent();
        assertThat(CorrelationId.accept("a".repeat(CorrelationId.MAX_LENGTH + 1))).isEmpty();
        assertThat(CorrelationId.accept("forged\n{\"level\":\"ERROR\"}")).isEmpty();
        assertThat(CorrelationId.accept("with space")).isEmpty();
        assertThat(CorrelationId.accept("slash/or?query")).isEmpty();
        assertThat(CorrelationId.accept("")).isEmpty();
        assertThat(CorrelationId.accept(null)).isEmpty();
    }

    @Test
    void anInvalidIdIsReplacedByANewOne() {
        String generated = CorrelationId.acceptOrGenerate("bad id");
        assertThat(CorrelationId.accept(generated)).contains(generated);
        assertThat(generated).isNotEqualTo(CorrelationId.acceptOrGenerate("bad id"));
        assertThat(CorrelationId.acceptOrGenerate("kept-1")).isEqualTo("kept-1");
    }

    @Test
    void tasksAndEventsCarryTheIdInTheirHeaderAndMessagesWithoutOneHaveNone() {
        TaskMessage task = submission().tasks().get(0);
        Message stamped = AmqpMessages.task(task, "upload-42");
        assertThat(stamped.getMessageProperties().<String>getHeader(CorrelationId.HEADER)).isEqualTo("upload-42");
        assertThat(CorrelationId.of(stamped)).contains("upload-42");
        assertThat(CorrelationId.of(AmqpMessages.event(JobEvent.submitted(submission()), "upload-42")))
                .contains("upload-42");

        assertThat(CorrelationId.of(AmqpMessages.task(task))).isEmpty();
        Message forged = AmqpMessages.task(task);
        forged.getMessageProperties().setHeader(CorrelationId.HEADER, "two\nlines");
        assertThat(CorrelationId.of(forged)).isEmpty();
    }

    @Test
    void theSubmissionKeepsItsIdThroughJsonAndAnOldRecordWithoutOneStillReads() {
        JobSubmission s = submission();
        assertThat(Json.read(Json.write(s), JobSubmission.class).correlationId()).isEqualTo("upload-42");
        String old = new String(Json.write(s)).replace(",\"correlationId\":\"upload-42\"", "");
        assertThat(old).doesNotContain("correlationId");
        assertThat(Json.read(old.getBytes(), JobSubmission.class).correlationId()).isNull();
    }

    private static JobSubmission submission() {
        UUID media = UUID.randomUUID();
        return new JobSubmission(UUID.randomUUID(), media, "alice", "cat.jpg", MediaType.PHOTO, 10, "ab",
                StorageLayout.uploadPath("alice", media, "jpg"), StorageLayout.outputDir("alice", media),
                List.of(Operation.THUMBNAIL), 5, 3, null, null, 1, Instant.parse("2026-01-01T00:00:00Z"), "upload-42");
    }
}
