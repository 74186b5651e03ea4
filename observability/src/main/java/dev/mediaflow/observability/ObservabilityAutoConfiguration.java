package dev.mediaflow.observability;

import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Hooks;

import java.util.Set;

/**
 * Wires the correlation id into every service that has this module: the HTTP filter, and Reactor's
 * automatic context propagation, without which MDC (a thread local) would lose the id as soon as a
 * reactive chain hops threads: on the gateway's upload after {@code publishOn}, in queue-service's
 * event listener that blocks on an R2DBC chain. Boot does the same for
 * {@code spring.reactor.context-propagation=auto}; here it is not left to a property each service
 * could forget.
 *
 * <p>The AMQP publishes and the workers' task deliveries are observed for their spans (the trace goes
 * through RabbitMQ, see {@code ConfirmedSender}); the timers those observations would also make are
 * denied, so the metrics stay the ones the dashboards read: a listener timer says "success" for a task
 * that failed (the worker settles failures itself and counts them in {@code mediaflow_tasks_total}),
 * and a publish is timed by each service's own meters.
 */
@AutoConfiguration
@ConditionalOnClass(Hooks.class)
public final class ObservabilityAutoConfiguration {

    ObservabilityAutoConfiguration() {
        Hooks.enableAutomaticContextPropagation();
    }

    /** The Micrometer names of Spring AMQP's template and listener observations (and their ".active" timers). */
    static final Set<String> AMQP_OBSERVATION_TIMERS = Set.of("spring.rabbit.template", "spring.rabbit.listener");

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterFilter.class)
    static class Meters {

        @Bean
        MeterFilter amqpObservationTimersDenied() {
            return MeterFilter.deny(id -> AMQP_OBSERVATION_TIMERS.stream()
                    .anyMatch(name -> id.getName().equals(name) || id.getName().startsWith(name + ".")));
        }
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
