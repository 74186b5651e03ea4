package dev.mediaflow.queue.meters;

import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Counts a change only once it is committed. A status event whose transaction rolls back (a lock timeout, the
 * database gone) is requeued and applied again; counting it in the transaction would count it twice, or count a
 * change that never happened.
 */
final class AfterCommit {

    private AfterCommit() {
    }

    /** Runs {@code action} after the current transaction commits; at once when there is none. */
    static Mono<Void> run(Runnable action) {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .flatMap(sync -> {
                    if (!sync.isSynchronizationActive()) {
                        return Mono.fromRunnable(action);
                    }
                    sync.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public Mono<Void> afterCommit() {
                            return Mono.fromRunnable(action);
                        }
                    });
                    return Mono.empty();
                })
                .onErrorResume(NoTransactionException.class, none -> Mono.fromRunnable(action))
                .then();
    }
}
