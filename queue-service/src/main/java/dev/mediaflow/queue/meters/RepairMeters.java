package dev.mediaflow.queue.meters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * What queue-service repaired on its own, each a sign that something upstream went wrong:
 * {@code mediaflow_reconciler_repairs_total} (a job's Redis status found behind PostgreSQL and rewritten: Redis
 * lost data, or a crash fell between a commit and its Redis write) and {@code mediaflow_lease_expired_total} (a
 * task silent past its lease, published again or declared dead: a worker died, or an event was lost).
 */
@Component
public class RepairMeters {

    private final Counter reconcilerRepairs;
    private final Counter leasesExpired;

    public RepairMeters(MeterRegistry registry) {
        this.reconcilerRepairs = Counter.builder("mediaflow.reconciler.repairs")
                .description("job statuses in Redis found behind PostgreSQL and rewritten")
                .register(registry);
        this.leasesExpired = Counter.builder("mediaflow.lease.expired")
                .description("tasks silent past their lease, published again or declared dead")
                .register(registry);
    }

    public void reconcilerRepaired(long jobs) {
        reconcilerRepairs.increment(jobs);
    }

    public void leaseExpired() {
        leasesExpired.increment();
    }
}
