package dev.mediaflow.queue.items;

import dev.mediaflow.messages.InternalJobsApi;
import dev.mediaflow.messages.InternalJobsApi.JobIds;
import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's one question per round about the jobs it published ({@link InternalJobsApi#RECORDED}). */
class RecordedJobsApiTest extends ApiTest {

    private static final List<Operation> IMAGE = List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);

    @Test
    void answersTheRecordedJobsAmongThoseAskedDeletedOnesIncluded() {
        String owner = unique("owner");
        Events recorded = new Events(owner, IMAGE, 1);
        Events deleted = new Events(owner, IMAGE, 1);
        apply(recorded.submitted(), deleted.submitted(), deleted.imageSucceeded(1, 1, 2));
        as(owner, "user").post().uri(InternalMediaApi.deletion(deleted.mediaItemId)).exchange().expectStatus().isOk();
        as(owner, "user").delete().uri(InternalMediaApi.mediaItem(deleted.mediaItemId)).exchange()
                .expectStatus().is2xxSuccessful();
        as(owner, "user").get().uri("/api/queue/items/{id}", deleted.jobId).exchange().expectStatus().isNotFound();
        UUID neverSeen = UUID.randomUUID();

        JobIds answer = ask("admin", new JobIds(List.of(recorded.jobId, neverSeen, deleted.jobId)))
                .expectStatus().isOk()
                .expectBody(JobIds.class).returnResult().getResponseBody();

        assertThat(answer.jobIds()).containsExactlyInAnyOrder(recorded.jobId, deleted.jobId);
    }

    @Test
    void aWholeRoundOfJobsIsAnsweredInOneCall() {
        String owner = unique("owner");
        List<UUID> asked = new ArrayList<>();
        List<UUID> known = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Events e = new Events(owner, IMAGE, 1);
            apply(e.submitted());
            known.add(e.jobId);
            asked.add(e.jobId);
        }
        for (int i = asked.size(); i < InternalJobsApi.MAX_JOB_IDS; i++) {
            asked.add(UUID.randomUUID());
        }
        Collections.shuffle(asked);

        JobIds answer = ask("admin", new JobIds(asked)).expectStatus().isOk()
                .expectBody(JobIds.class).returnResult().getResponseBody();

        assertThat(answer.jobIds()).containsExactlyInAnyOrderElementsOf(known);
        assertThat(ask("admin", new JobIds(List.of())).expectStatus().isOk()
                .expectBody(JobIds.class).returnResult().getResponseBody().jobIds()).isEmpty();
    }

    @Test
    void onlyAdminMayAskAndABadQuestionIs400() {
        Events e = new Events(unique("owner"), IMAGE, 1);
        apply(e.submitted());

        // a user could otherwise probe for other owners' job ids
        ask(e.owner, "user", new JobIds(List.of(e.jobId))).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("forbidden");
        List<UUID> tooMany = new ArrayList<>();
        for (int i = 0; i <= InternalJobsApi.MAX_JOB_IDS; i++) {
            tooMany.add(UUID.randomUUID());
        }
        ask("admin", new JobIds(tooMany)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        as("admin", "admin").post().uri(InternalJobsApi.RECORDED).header("Content-Type", "application/json")
                .bodyValue("{\"jobIds\":[\"not-a-uuid\"]}").exchange().expectStatus().isBadRequest();
        as("admin", "admin").post().uri(InternalJobsApi.RECORDED).header("Content-Type", "application/json")
                .bodyValue("{\"jobIds\":[null]}").exchange().expectStatus().isBadRequest();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec ask(String owner, JobIds ids) {
        return ask(owner, "admin", ids);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec ask(String owner, String role,
                                                                                       JobIds ids) {
        return as(owner, role).post().uri(InternalJobsApi.RECORDED).bodyValue(ids).exchange();
    }
}
