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
     * Spring's, shielded from cancels ({@link CancelSafeTransactions}): a transaction cancelled while it begins would
     * otherwise keep its pooled connection for good (spring-framework issue 36344). {@code
     * idle_in_transaction_session_timeout} stays as the backstop for any other way a transaction could be left open.
     */
    @Bean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager transactionManager) {
        return new CancelSafeTransactions(TransactionalOperator.create(transactionManager));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
