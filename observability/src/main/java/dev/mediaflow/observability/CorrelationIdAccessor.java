package dev.mediaflow.observability;

/**
 * The correlation id in MDC across Reactor's threads; {@link CorrelationIdWebFilter} writes it into
 * the context of every HTTP request under {@link #KEY}.
 */
public class CorrelationIdAccessor extends MdcKeyAccessor {

    public static final String KEY = LogContext.CORRELATION_ID;

    public CorrelationIdAccessor() {
        super(KEY);
    }
}
