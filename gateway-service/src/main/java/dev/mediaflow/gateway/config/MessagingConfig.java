package dev.mediaflow.gateway.config;

import dev.mediaflow.messages.TopologyDeclarations;
import org.springframework.amqp.core.Declarables;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class MessagingConfig {

    /** Declared on every new broker connection, so the topology exists before the first publish. */
    @Bean
    public Declarables mediaflowTopology(GatewayProperties properties) {
        return TopologyDeclarations.all(TopologyDeclarations.parseDelays(properties.retryDelays()));
    }
}
