package dev.mediaflow.observability;

import io.micrometer.context.ThreadLocalAccessor;
import org.slf4j.MDC;

/**
 * Lets Reactor carry the correlation id into MDC on whatever thread an operator runs: with automatic
 * context propagation ({@link ObservabilityAutoConfiguration}) Reactor restores every registered
 * accessor's value from the subscriber's context before it calls user code. The key is the one
 * {@link CorrelationIdWebFilter} writes into the context, and the MDC key of the same name.
 *
 * <p>Registered through {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}, which
 * {@code ContextRegistry.getInstance()} reads.
 */
public class CorrelationIdAccessor implements ThreadLocalAccessor<String> {

    public static final String KEY = LogContext.CORRELATION_ID;

    @Override
    public Object key() {
        return KEY;
    }

    @Override
    public String getValue() {
        return MDC.get(LogContext.CORRELATION_ID);
    }

    @Override
    public void setValue(String value) {
        MDC.put(LogContext.CORRELATION_ID, value);
    }

    @Override
    public void setValue() {
        MDC.remove(LogContext.CORRELATION_ID);
    }
}
