package dev.mediaflow.observability;

/** The job id in MDC across Reactor's threads, wherever a {@link LogContext} scope set it. */
public class JobIdAccessor extends MdcKeyAccessor {

    public JobIdAccessor() {
        super(LogContext.JOB_ID);
    }
}
