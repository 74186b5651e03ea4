package dev.mediaflow.observability;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Hooks;

/**
 * Wires the correlation id into every service that has this module: the HTTP filter, and Reactor's
 * automatic context propagation, without which MDC (a thread local) would lose the id as soon as a
 * reactive chain hops threads: on the gateway's upload after {@code publishOn}, in queue-service's
 * event listener that blocks on an R2DBC chain. Boot does the same for
 * {@code spring.reactor.context-propagation=auto}; here it is not left to a property each service
 * could forget.
 */
@AutoConfiguration
@ConditionalOnClass(Hooks.class)
public final class ObservabilityAutoConfiguration {

    ObservabilityAutoConfiguration() {
        Hooks.enableAutomaticContextPropagation();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class Web {

        @Bean
        CorrelationIdWebFilter correlationIdWebFilter() {
            return new CorrelationIdWebFilter();
        }
    }
}
