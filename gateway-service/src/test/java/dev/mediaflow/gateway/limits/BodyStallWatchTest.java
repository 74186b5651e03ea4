package dev.mediaflow.gateway.limits;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.subscriber.TestSubscriber;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body's stall and deadline clock on virtual time: when it fails the body, and how few timers it sets (the reason
 * it exists: {@code Flux.timeout(Duration)} set and cancelled one per buffer).
 */
class BodyStallWatchTest {

    private static final Duration IDLE = Duration.ofSeconds(1);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final AtomicInteger timersSet = new AtomicInteger();
    private final AtomicInteger timersLive = new AtomicInteger();
    private final BodyStallWatch watch = new BodyStallWatch(IDLE, countingTimers(), () -> time.now(TimeUnit.NANOSECONDS));
    private final Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();

    @AfterEach
    void dispose() {
        time.dispose();
    }

    @Test
    void aBodyShorterThanTheIdleTimeoutPassesWholeWithOneTimerInAll() {
        TestSubscriber<DataBuffer> client = subscribe(deadlineIn(Duration.ofMinutes(15)));
        arrive(100, Duration.ofMillis(5));
        body.tryEmitComplete();

        assertThat(client.getReceivedOnNext()).hasSize(100);
        assertThat(client.isTerminatedComplete()).isTrue();
        assertThat(timersSet).as("Flux.timeout set 101").hasValue(1);
        assertThat(timersLive).as("the timer is gone with the body").hasValue(0);
    }

    @Test
    void aLongBodySetsOneTimerPerIdlePeriodNotPerBuffer() {
        TestSubscriber<DataBuffer> client = subscribe(deadlineIn(Duration.ofMinutes(15)));
        arrive(1000, Duration.ofMillis(5));
        body.tryEmitComplete();

        assertThat(client.getReceivedOnNext()).hasSize(1000);
        assertThat(client.isTerminatedComplete()).isTrue();
        assertThat(timersSet.get()).as("5 s of buffers, idle timeout 1 s: Flux.timeout set 1001")
                .isBetween(5, 6);
        assertThat(timersLive).hasValue(0);
    }

    @Test
    void aStallFailsTheBodyOneIdleTimeoutAfterTheLastBufferNotAfterTheFirst() {
        TestSubscriber<DataBuffer> client = subscribe(deadlineIn(Duration.ofMinutes(15)));
        arrive(9, Duration.ofMillis(100));
        time.advanceTimeBy(IDLE.minusMillis(1));
        assertThat(client.isTerminated()).as("idle for 999 ms of 1 s").isFalse();

        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(client.expectTerminalError()).isInstanceOf(TimeoutException.class);
        assertThat(client.getReceivedOnNext()).hasSize(9);
        assertThat(timersSet).as("the first timer, then one set again for the end of the stall").hasValue(2);

        body.tryEmitNext(buffer());
        assertThat(client.getReceivedOnNext()).as("nothing after the error").hasSize(9);
        assertThat(timersLive).hasValue(0);
    }

    @Test
    void aBodyThatTricklesIsFailedAtTheDeadline() {
        TestSubscriber<DataBuffer> client = subscribe(deadlineIn(Duration.ofSeconds(3)));
        arrive(5, Duration.ofMillis(500));
        assertThat(client.isTerminated()).as("2.5 s in, never idle").isFalse();

        time.advanceTimeBy(Duration.ofMillis(499));
        assertThat(client.isTerminated()).isFalse();
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(client.expectTerminalError()).isInstanceOf(TimeoutException.class);
        assertThat(client.getReceivedOnNext()).hasSize(5);
    }

    @Test
    void aBodyThatNeverStartsFailsAfterTheIdleTimeout() {
        TestSubscriber<DataBuffer> client = subscribe(deadlineIn(Duration.ofMinutes(15)));
        time.advanceTimeBy(IDLE.minusMillis(1));
        assertThat(client.isTerminated()).isFalse();
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(client.expectTerminalError()).isInstanceOf(TimeoutException.class);
        assertThat(timersSet).hasValue(1);
    }

    @Test
    void aCancelledBodyLeavesNoTimer() {
        TestSubscriber<DataBuffer> client = subscribe(deadlineIn(Duration.ofMinutes(15)));
        body.tryEmitNext(buffer());
        client.cancel();

        assertThat(timersLive).hasValue(0);
        time.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(client.isTerminated()).isFalse();
    }

    private TestSubscriber<DataBuffer> subscribe(long deadline) {
        TestSubscriber<DataBuffer> client = TestSubscriber.create();
        watch.watch(body.asFlux(), deadline).subscribe(client);
        return client;
    }

    /** {@code buffers} buffers, one every {@code every} of virtual time. */
    private void arrive(int buffers, Duration every) {
        for (int i = 0; i < buffers; i++) {
            time.advanceTimeBy(every);
            body.tryEmitNext(buffer());
        }
    }

    private long deadlineIn(Duration limit) {
        return time.now(TimeUnit.NANOSECONDS) + limit.toNanos();
    }

    private static DataBuffer buffer() {
        return DefaultDataBufferFactory.sharedInstance.wrap(new byte[] {1});
    }

    /** The virtual scheduler, counting the timers set and those not yet run or disposed. */
    private Scheduler countingTimers() {
        return new Scheduler() {
            @Override
            public Disposable schedule(Runnable task) {
                return time.schedule(task);
            }

            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                timersSet.incrementAndGet();
                timersLive.incrementAndGet();
                boolean[] over = {false};
                Runnable counted = () -> {
                    end(over);
                    task.run();
                };
                Disposable scheduled = time.schedule(counted, delay, unit);
                return () -> {
                    end(over);
                    scheduled.dispose();
                };
            }

            private void end(boolean[] over) {
                if (!over[0]) {
                    over[0] = true;
                    timersLive.decrementAndGet();
                }
            }

            @Override
            public long now(TimeUnit unit) {
                return time.now(unit);
            }

            @Override
            public Worker createWorker() {
                return time.createWorker();
            }
        };
    }
}
