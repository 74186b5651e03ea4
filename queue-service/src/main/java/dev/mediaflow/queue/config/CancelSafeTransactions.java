package dev.mediaflow.queue.config;

import org.springframework.transaction.reactive.TransactionCallback;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spring's {@link TransactionalOperator} with every transaction shielded from the caller's cancel, so that it always
 * ends in a commit or a rollback and gives its connection back to the pool: queue-service's one operator.
 *
 * <p>Spring's operator loses the connection of a transaction that is cancelled while it begins (spring-framework
 * issue 36344, open): {@code R2dbcTransactionManager.doBegin} has taken a connection from the pool and sent
 * {@code BEGIN}, the cancel stops the chain before the transaction is handed to the code that would commit or roll
 * it back, and nothing ever does. The connection stays checked out, "idle in transaction", holding whatever locks
 * its transaction took, and the next statement that gets it from a leak of the other kind runs inside that
 * transaction. Cancels come from every timeout around a transaction (the event batches' {@code
 * MEDIAFLOW_EVENT_TIMEOUT}) and from every HTTP caller that stops waiting (the gateway's 10 s). The scale benchmark
 * met it (docs/performance.md, section 4): after a burst of 10,000 short tasks and a deadlock between two event
 * batches, the batches that waited behind it timed out, and within minutes all 20 of the pool's connections were
 * checked out by nobody (35 callers waiting), two of them idle in a transaction for minutes, and queue-service
 * applied one status event every 30 s.
 *
 * <p>Here the transaction runs on a subscription of its own, which a cancel does not reach: the caller that
 * cancels stops waiting, and the transaction goes on to its end. Every transaction of queue-service is a bounded
 * piece of work that is right to finish: status events are applied idempotently (the batch that timed out is
 * applied again one by one beside it, which waits for its locks), and the bulk actions act to the end anyway. The
 * caller's Reactor context goes with it (MDC, tracing, an enclosing transaction to join). A transaction's
 * {@link Flux} is gathered into a list before it is handed on.
 */
public final class CancelSafeTransactions implements TransactionalOperator {

    private final TransactionalOperator spring;

    public CancelSafeTransactions(TransactionalOperator spring) {
        this.spring = spring;
    }

    @Override
    public <T> Mono<T> transactional(Mono<T> mono) {
        return detached(spring.transactional(mono));
    }

    @Override
    public <T> Flux<T> transactional(Flux<T> flux) {
        return detachedAll(spring.transactional(flux));
    }

    @Override
    public <T> Flux<T> execute(TransactionCallback<T> action) {
        return detachedAll(spring.execute(action));
    }

    /**
     * {@code work} subscribed at once with the caller's context, on a subscription the caller's cancel does not
     * reach; its value, error or emptiness passed on as they are.
     */
    private static <T> Mono<T> detached(Mono<T> work) {
        return Mono.deferContextual(context -> Mono.fromFuture(work.contextWrite(context).toFuture(), true));
    }

    /** {@link #detached} for a transaction's {@link Flux}: gathered whole, then handed on element by element. */
    private static <T> Flux<T> detachedAll(Flux<T> work) {
        return detached(work.collectList()).flatMapIterable(all -> all);
    }
}
