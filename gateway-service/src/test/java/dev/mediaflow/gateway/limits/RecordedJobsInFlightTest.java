package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.http.CallerRole;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The remembered count's rules, on a stand-in reader and clock (pure logic: no server involved). */
class RecordedJobsInFlightTest {

    private static final Caller ALICE = new Caller("alice", CallerRole.USER);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicLong recorded = new AtomicLong(5);
    private final RecordedJobsInFlight counts = new RecordedJobsInFlight(caller -> Mono.fromCallable(() -> {
        reads.incrementAndGet();
        return recorded.get();
    }), Duration.ofSeconds(1), clock::get);

    @Test
    void aCountIsRememberedForTheTtlWithTheUploadsAcceptedSinceAdded() {
        assertThat(counts.count(ALICE).block()).isEqualTo(new RecordedJobsInFlight.Counted(5, false));
        counts.accepted("alice");
        counts.accepted("alice");
        clock.addAndGet(Duration.ofMillis(999).toNanos());

        assertThat(counts.count(ALICE).block()).isEqualTo(new RecordedJobsInFlight.Counted(7, true));
        assertThat(reads).hasValue(1);

        recorded.set(9);
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(counts.count(ALICE).block()).isEqualTo(new RecordedJobsInFlight.Counted(9, false));
        assertThat(reads).hasValue(2);
    }

    @Test
    void aForgottenCountIsReadAnew() {
        counts.count(ALICE).block();
        counts.forget("alice");
        recorded.set(6);

        assertThat(counts.count(ALICE).block()).isEqualTo(new RecordedJobsInFlight.Counted(6, false));
        assertThat(reads).hasValue(2);
    }

    @Test
    void aCountForgottenWhileItWasReadIsNotRemembered() {
        Sinks.One<Long> answer = Sinks.one();
        AtomicInteger slowReads = new AtomicInteger();
        RecordedJobsInFlight slow = new RecordedJobsInFlight(caller -> {
            slowReads.incrementAndGet();
            return slowReads.get() == 1 ? answer.asMono() : Mono.just(4L);
        }, Duration.ofHours(1), clock::get);
        AtomicReference<RecordedJobsInFlight.Counted> first = new AtomicReference<>();

        slow.count(ALICE).subscribe(first::set);
        slow.forget("alice"); // e.g. an enqueue ended while the count was on its way
        answer.tryEmitValue(3L);

        assertThat(first.get()).isEqualTo(new RecordedJobsInFlight.Counted(3, false));
        assertThat(slow.count(ALICE).block()).isEqualTo(new RecordedJobsInFlight.Counted(4, false));
        assertThat(slowReads).hasValue(2);
    }

    @Test
    void anUploadAcceptedWhileTheCountWasReadIsCountedOnTop() {
        Sinks.One<Long> answer = Sinks.one();
        RecordedJobsInFlight slow = new RecordedJobsInFlight(caller -> answer.asMono(), Duration.ofHours(1),
                clock::get);

        slow.count(ALICE).subscribe();
        slow.accepted("alice"); // queue-service's answer may or may not hold it: counted once more, never missed
        answer.tryEmitValue(3L);

        assertThat(slow.count(ALICE).block()).isEqualTo(new RecordedJobsInFlight.Counted(4, true));
    }

    @Test
    void ownersAreCountedApartAndAZeroTtlReadsEveryTime() {
        RecordedJobsInFlight everyTime = new RecordedJobsInFlight(caller -> Mono.fromCallable(() -> {
            reads.incrementAndGet();
            return caller.owner().equals("alice") ? 1L : 2L;
        }), Duration.ZERO, clock::get);

        assertThat(everyTime.count(ALICE).block().count()).isEqualTo(1);
        assertThat(everyTime.count(new Caller("bob", CallerRole.USER)).block().count()).isEqualTo(2);
        assertThat(everyTime.count(ALICE).block()).isEqualTo(new RecordedJobsInFlight.Counted(1, false));
        assertThat(reads).hasValue(3);
    }

    @Test
    void aFailedReadIsNotRemembered() {
        AtomicInteger attempts = new AtomicInteger();
        RecordedJobsInFlight failing = new RecordedJobsInFlight(caller -> attempts.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("queue-service is down")) : Mono.just(2L),
                Duration.ofHours(1), clock::get);

        assertThatThrownBy(() -> failing.count(ALICE).block()).hasMessageContaining("queue-service is down");
        assertThat(failing.count(ALICE).block()).isEqualTo(new RecordedJobsInFlight.Counted(2, false));
    }

    @Test
    void uploadsArrivingWhileTheCountIsReadWaitForThatReadInsteadOfAskingAgain() {
        Sinks.One<Long> answer = Sinks.one();
        AtomicInteger slowReads = new AtomicInteger();
        RecordedJobsInFlight slow = new RecordedJobsInFlight(caller -> {
            slowReads.incrementAndGet();
            return answer.asMono();
        }, Duration.ofHours(1), clock::get);
        List<RecordedJobsInFlight.Counted> counted = new CopyOnWriteArrayList<>();

        slow.count(ALICE).subscribe(counted::add);
        slow.accepted("alice");
        for (int i = 0; i < 63; i++) {
            slow.count(ALICE).subscribe(counted::add);
        }
        answer.tryEmitValue(3L);

        assertThat(slowReads).hasValue(1);
        assertThat(counted).hasSize(64);
        // the one that asked takes the answer as it is; the others as remembered, with the upload accepted since
        assertThat(counted).filteredOn(c -> !c.remembered()).containsExactly(new RecordedJobsInFlight.Counted(3, false));
        assertThat(counted).filteredOn(RecordedJobsInFlight.Counted::remembered).hasSize(63)
                .containsOnly(new RecordedJobsInFlight.Counted(4, true));
    }

    @Test
    void anUploadThatFindsTheCountForgottenSinceAReadBeganAsksAgain() {
        List<Sinks.One<Long>> answers = new CopyOnWriteArrayList<>();
        RecordedJobsInFlight slow = new RecordedJobsInFlight(caller -> {
            Sinks.One<Long> answer = Sinks.one();
            answers.add(answer);
            return answer.asMono();
        }, Duration.ofHours(1), clock::get);
        AtomicReference<RecordedJobsInFlight.Counted> before = new AtomicReference<>();
        AtomicReference<RecordedJobsInFlight.Counted> after = new AtomicReference<>();

        slow.count(ALICE).subscribe(before::set);
        slow.forget("alice"); // e.g. a batch enqueue made jobs the read on its way may not show
        slow.count(ALICE).subscribe(after::set);
        assertThat(answers).hasSize(2);
        answers.get(0).tryEmitValue(3L);
        answers.get(1).tryEmitValue(103L);

        assertThat(before.get()).isEqualTo(new RecordedJobsInFlight.Counted(3, false));
        assertThat(after.get()).isEqualTo(new RecordedJobsInFlight.Counted(103, false));
    }

    @Test
    void aReadIsNotCancelledWithTheUploadThatStartedIt() {
        Sinks.One<Long> answer = Sinks.one();
        RecordedJobsInFlight slow = new RecordedJobsInFlight(caller -> answer.asMono(), Duration.ofHours(1),
                clock::get);
        AtomicReference<RecordedJobsInFlight.Counted> waiting = new AtomicReference<>();

        slow.count(ALICE).subscribe().dispose(); // the client that caused the read went away
        slow.count(ALICE).subscribe(waiting::set);
        answer.tryEmitValue(2L);

        assertThat(waiting.get()).isEqualTo(new RecordedJobsInFlight.Counted(2, true));
    }
}
