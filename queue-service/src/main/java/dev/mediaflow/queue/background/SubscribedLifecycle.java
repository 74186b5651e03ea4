package dev.mediaflow.queue.background;

import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;

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
