package dev.mediaflow.observability;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Locale;
import java.util.Map;

/**
 * {@code MEDIAFLOW_LOG_FORMAT} picks how a service writes its log, console and file alike:
 * <ul>
 *   <li>{@code text} (the default): lines for a person at a terminal, what {@code scripts/local}
 *       writes to {@code data/logs/}; a line written for a request or a job shows
 *       {@code [correlationId jobId]} after the thread name ({@link #TEXT_IDS}), so
 *       {@code grep <id> data/logs/*.log} follows one upload through the services;</li>
 *   <li>{@code json}: Spring Boot's structured logging in Elastic Common Schema, one JSON object
 *       per line with the MDC keys ({@code jobId}, {@code correlationId}, {@code traceId} and
 *       {@code spanId} when tracing) as fields of their own, for a log shipper to index;</li>
 *   <li>{@code ecs}, {@code logstash}, {@code gelf}: Boot's own formats, taken as they are.</li>
 * </ul>
 * Runs after the configuration files are read and before the logging system starts, so even the
 * first lines are in the chosen format. The values go last among the property sources: Boot's own
 * {@code logging.structured.format.*} still wins. An unknown value stops the service, because a typo
 * must not quietly ship text lines into a JSON pipeline.
 */
public class LogFormatSwitch implements EnvironmentPostProcessor, Ordered {

    /** Bound from {@code MEDIAFLOW_LOG_FORMAT}. */
    static final String PROPERTY = "mediaflow.log-format";
    /**
     * Boot's {@code logging.pattern.correlation} for text lines: the two ids in brackets, and nothing
     * at all on a line that has neither (start-up, scheduled rounds).
     */
    static final String TEXT_IDS = "%replace([%X{" + LogContext.CORRELATION_ID + ":-} %X{" + LogContext.JOB_ID
            + ":-}] ){'^\\[ \\] $', ''}";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = structuredFormat(environment.getProperty(PROPERTY, ""));
        Map<String, Object> settings = format == null
                ? Map.of("logging.pattern.correlation", TEXT_IDS)
                : Map.of("logging.structured.format.console", format, "logging.structured.format.file", format);
        environment.getPropertySources().addLast(new MapPropertySource("mediaflowLogFormat", settings));
    }

    /** Boot's structured format for a value of the variable; null for text. */
    static String structuredFormat(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "text" -> null;
            case "json" -> "ecs";
            case "ecs", "logstash", "gelf" -> v;
            default -> throw new IllegalArgumentException("MEDIAFLOW_LOG_FORMAT must be text, json, ecs, logstash "
                    + "or gelf, not '" + value + "'");
        };
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
