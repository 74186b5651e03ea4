package dev.mediaflow.observability;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void aScopeSetsBothIdsAndClosingItLeavesNothingForTheNextJobOnThisThread() {
        UUID job = UUID.randomUUID();
        try (LogContext scope = LogContext.correlation("req-1")) {
            assertThat(MDC.get(LogContext.CORRELATION_ID)).isEqualTo("req-1");
            assertThat(MDC.get(LogContext.JOB_ID)).isNull();
            LogContext.jobId(job);
            assertThat(MDC.get(LogContext.JOB_ID)).isEqualTo(job.toString());
            assertThat(LogContext.correlationId()).contains("req-1");
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
        assertThat(LogContext.correlationId()).isEmpty();
    }

    @Test
    void nestedScopesPutBackWhatWasThere() {
        UUID outer = UUID.randomUUID();
        UUID inner = UUID.randomUUID();
        try (LogContext a = LogContext.job(outer, "outer")) {
            try (LogContext b = LogContext.job(inner, null)) {
                assertThat(MDC.get(LogContext.JOB_ID)).isEqualTo(inner.toString());
                assertThat(MDC.get(LogContext.CORRELATION_ID)).isNull();
            }
            assertThat(MDC.get(LogContext.JOB_ID)).isEqualTo(outer.toString());
            assertThat(MDC.get(LogContext.CORRELATION_ID)).isEqualTo("outer");
        }
        assertThat(MDC.get(LogContext.JOB_ID)).isNull();
    }
}
