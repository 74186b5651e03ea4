package dev.mediaflow.gateway.limits;

import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Fails a request body with a {@link TimeoutException} when no buffer came for the idle timeout or the deadline
 * passed, with one timer per body that is moved only when it goes off.
 *
 * <p>{@code Flux.timeout(Duration)} scheduled a timer and cancelled the one before at every buffer that arrived:
 * a lock and a wake-up of a {@code parallel} thread per buffer, about 0.2 CPU s per GiB uploaded (async-profiler,
 * docs/performance.md, section 2). Here a buffer only stamps its arrival time; the timer, set at the subscription
 * for the end of the first idle period, looks at that stamp when it goes off and sets itself again for the end of
 * the current period if a buffer came meanwhile, so a body that keeps arriving costs one timer per idle period
 * (one in all for any upload faster than the idle timeout). The error itself comes from {@code Flux.timeout} with
 * a shared, hot expiry signal, which keeps its handling of a buffer that races the expiry: the body is cancelled
 * and fails once, and no buffer reaches the subscriber after the error.
 */
final class BodyStallWatch {

    private final long idleNanos;
    private final Scheduler timers;
    private final LongSupplier nanoClock;

    /** @param nanoClock what the deadlines are read against: {@code System::nanoTime} but in tests */
    BodyStallWatch(Duration idleTimeout, Scheduler timers, LongSupplier nanoClock) {
        this.idleNanos = idleTimeout.toNanos();
        this.timers = timers;
        this.nanoClock = nanoClock;
    }

    /** {@code body}, failed with a {@link TimeoutException} at the first stall or at {@code deadline} (of the clock). */
    Flux<DataBuffer> watch(Flux<DataBuffer> body, long deadline) {
        return Flux.defer(() -> {
            Watch watch = new Watch(deadline);
            Mono<Void> expired = watch.expired.asMono();
            return body.doOnSubscribe(s -> watch.start())
                    .doOnNext(buffer -> watch.lastArrival = nanoClock.getAsLong())
                    .timeout(expired, buffer -> expired)
                    .doFinally(signal -> watch.stop());
        });
    }

    /** One body's clock: the last arrival, the pending timer, and the signal that it is over. */
    private final class Watch implements Runnable {

        private final long deadline;
        private final Sinks.Empty<Void> expired = Sinks.empty();
        private final AtomicReference<Disposable> timer = new AtomicReference<>();
        private volatile long lastArrival;
        private volatile boolean stopped;

        Watch(long deadline) {
            this.deadline = deadline;
        }

        void start() {
            lastArrival = nanoClock.getAsLong();
            schedule(lastArrival);
        }

        /** The timer went off: over, or set again for the end of the idle period that is running now. */
        @Override
        public void run() {
            long now = nanoClock.getAsLong();
            if (now - ends(lastArrival) >= 0) {
                expired.tryEmitEmpty();
            } else {
                schedule(now);
            }
        }

        void stop() {
            stopped = true;
            Disposable pending = timer.getAndSet(null);
            if (pending != null) {
                pending.dispose();
            }
        }

        private long ends(long arrival) {
            long idleEnd = arrival + idleNanos;
            return idleEnd - deadline < 0 ? idleEnd : deadline;
        }

        private void schedule(long now) {
            if (stopped) {
                return;
            }
            timer.set(timers.schedule(this, Math.max(0, ends(lastArrival) - now), TimeUnit.NANOSECONDS));
            if (stopped) {
                stop();
            }
        }
    }
}
