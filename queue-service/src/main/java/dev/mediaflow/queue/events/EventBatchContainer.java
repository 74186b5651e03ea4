package dev.mediaflow.queue.events;

import dev.mediaflow.queue.config.MediaflowProperties;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.amqp.autoconfigure.SimpleRabbitListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The container of {@link JobEventListener}: the listener settings of {@code spring.rabbitmq.listener.simple}
 * (consumers), plus batches. A consumer hands the listener up to {@code MEDIAFLOW_EVENT_BATCH_SIZE} deliveries at
 * once: those it already holds, and any that arrive within {@code MEDIAFLOW_EVENT_BATCH_WAIT} of the last, so a
 * lone event waits at most that long. The prefetch is twice the batch size: while one batch is applied, the broker
 * already sends the next, so a backlog goes by in full batches instead of being cut wherever a delivery comes
 * late. Acks are manual: the listener settles each delivery by itself, after its transaction.
 */
@Configuration(proxyBeanMethods = false)
class EventBatchContainer {

    static final String FACTORY = "jobEventBatchContainerFactory";

    @Bean(FACTORY)
    SimpleRabbitListenerContainerFactory jobEventBatchContainerFactory(
            SimpleRabbitListenerContainerFactoryConfigurer configurer, ConnectionFactory connections,
            MediaflowProperties properties) {
        SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
        configurer.configure(factory, connections);
        factory.setConsumerBatchEnabled(true);
        factory.setBatchListener(true);
        factory.setBatchSize(properties.eventBatchSize());
        factory.setPrefetchCount(2 * properties.eventBatchSize());
        factory.setReceiveTimeout(Math.max(1, properties.eventBatchWait().toMillis()));
        factory.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        return factory;
    }
}
