package dev.mediaflow.queue.config;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TopologyDeclarations;
import org.springframework.amqp.core.Declarables;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
public class InfrastructureConfiguration {

    /** The whole topology of docs/api.md, "Messages on RabbitMQ"; every service declares it, so any may start first. */
    @Bean
    Declarables mediaflowTopology(MediaflowProperties properties) {
        return TopologyDeclarations.all(properties.retryDelayList());
    }

    @Bean
    RedisKeys redisKeys(MediaflowProperties properties) {
        return properties.redisKeys();
    }

    /**
     * Spring's, not yet {@link CancelSafeTransactions}: wired in, it made {@code UnconfirmedPublishTest} fail about one
     * run in four (the outbox row of a nacked enqueue did not stay put), a race not yet found; until it is, a lost
     * transaction is ended by PostgreSQL after a minute ({@code idle_in_transaction_session_timeout}).
     */
    @Bean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager transactionManager) {
        return TransactionalOperator.create(transactionManager);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
