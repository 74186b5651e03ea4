package dev.mediaflow.queue.background;

import org.slf4j.Logger;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A queue-service chore driven by a Reactor subscription while the application runs: the outbox publisher's
 * ticks, the lease sweeper, the backlog gauges' refresh. They share this one life cycle, so each subscribes
 * once at start, stops by disposing that subscription, and says it runs while it is held (it was three copies
 * of the same start, stop and isRunning).
 */
public abstract class SubscribedLifecycle implements SmartLifecycle {

    private Disposable subscription;

    /** Subscribes the chore (typically to a {@code Flux.interval}); called once per start. */
    protected abstract Disposable subscribe();

    /**
     * Runs {@code pass} every {@code every}, never two at once: a tick that comes while a pass runs is dropped. A
     * failed pass is logged at debug level ({@code what} names it) and the next tick tries again. For the sweepers.
     */
    protected static Disposable periodically(Duration every, Supplier<Mono<?>> pass, Logger log, String what) {
        return periodically(every, every, pass, log, what);
    }

    /** {@link #periodically(Duration, Supplier, Logger, String)} with its first pass {@code first} after the start. */
    protected static Disposable periodically(Duration first, Duration every, Supplier<Mono<?>> pass, Logger log,
                                             String what) {
        AtomicBoolean running = new AtomicBoolean();
        return Flux.interval(first, every)
                .onBackpressureDrop()
                .filter(tick -> running.compareAndSet(false, true))
                .concatMap(tick -> Mono.defer(pass)
                        .onErrorResume(e -> {
                            log.debug("{} skipped: {}", what, e.toString());
                            return Mono.empty();
                        })
                        .doFinally(s -> running.set(false)))
                .subscribe();
    }

    @Override
    public synchronized void start() {
        if (subscription == null) {
            subscription = subscribe();
        }
    }

    @Override
    public synchronized void stop() {
        Disposable running = subscription;
        subscription = null;
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return subscription != null;
    }
}
