package dev.mediaflow.observability;

import org.slf4j.MDC;

import java.util.Optional;
import java.util.UUID;

/**
 * The MDC keys that tie a log line to its work: {@value #JOB_ID} and {@value #CORRELATION_ID}. In JSON
 * logs each is a field of its own, so an operator can pull one job, or everything one request caused,
 * out of all the services' logs without parsing messages.
 *
 * <p>A scope sets them for the current thread and {@link #close()} puts back what was there before, so
 * scopes nest (a worker's task inside a listener thread, the gateway's spool drain inside a round) and
 * a pooled thread never carries one job's ids into the next job's lines.
 */
public final class LogContext implements AutoCloseable {

    public static final String JOB_ID = "jobId";
    public static final String CORRELATION_ID = "correlationId";

    private final String previousJobId;
    private final String previousCorrelationId;

    private LogContext() {
        this.previousJobId = MDC.get(JOB_ID);
        this.previousCorrelationId = MDC.get(CORRELATION_ID);
    }

    /** Sets the correlation id (null: none) until {@link #close()}; the job id may follow with {@link #jobId}. */
    public static LogContext correlation(String correlationId) {
        LogContext scope = new LogContext();
        put(CORRELATION_ID, correlationId);
        MDC.remove(JOB_ID);
        return scope;
    }

    /** Sets both ids (null: none) until {@link #close()}. */
    public static LogContext job(UUID jobId, String correlationId) {
        LogContext scope = correlation(correlationId);
        jobId(jobId);
        return scope;
    }

    /**
     * Adds the job id inside an open scope, for code that learns the job only after the scope began (a
     * worker reads it from the message body); the scope's {@link #close()} removes it again.
     */
    public static void jobId(UUID jobId) {
        put(JOB_ID, jobId == null ? null : jobId.toString());
    }

    /** The correlation id of the work this thread is doing now, if any. */
    public static Optional<String> correlationId() {
        return Optional.ofNullable(MDC.get(CORRELATION_ID));
    }

    @Override
    public void close() {
        put(JOB_ID, previousJobId);
        put(CORRELATION_ID, previousCorrelationId);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
