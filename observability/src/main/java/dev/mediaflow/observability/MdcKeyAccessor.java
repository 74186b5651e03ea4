package dev.mediaflow.observability;

import io.micrometer.context.ThreadLocalAccessor;
import org.slf4j.MDC;

/**
 * Lets Reactor carry one {@link LogContext} key of MDC to whatever thread an operator runs on: with
 * automatic context propagation ({@link ObservabilityAutoConfiguration}) Reactor copies the value
 * into the subscriber's context where a chain is subscribed or blocked on (a listener thread that
 * blocks on an R2DBC chain), and puts it back into MDC before it calls user code on another thread.
 * The context key is the MDC key.
 *
 * <p>The subclasses are registered through {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor},
 * which {@code ContextRegistry.getInstance()} reads.
 */
abstract class MdcKeyAccessor implements ThreadLocalAccessor<String> {

    private final String key;

    MdcKeyAccessor(String key) {
        this.key = key;
    }

    @Override
    public Object key() {
        return key;
    }

    @Override
    public String getValue() {
        return MDC.get(key);
    }

    @Override
    public void setValue(String value) {
        MDC.put(key, value);
    }

    @Override
    public void setValue() {
        MDC.remove(key);
    }
}
