package dev.mediaflow.observability;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * {@code MEDIAFLOW_TRACING_ENDPOINT} is the one switch for tracing. Micrometer Tracing with the
 * OpenTelemetry bridge is always on the classpath, but:
 * <ul>
 *   <li>unset: trace export is disabled ({@code management.tracing.export.enabled=false}: no OTLP
 *       exporter bean, no trace headers sent on) and the sampling probability is 0, so nothing is
 *       recorded and no connection is ever attempted. Boot's default would sample 10%;</li>
 *   <li>set to an OTLP/HTTP collector (e.g. {@code http://otel-collector:4318}): every request is
 *       sampled and its spans are sent to {@code <endpoint>/v1/traces} (the path is added when the
 *       address has none).</li>
 * </ul>
 * The values go last among the property sources, so Boot's own {@code management.tracing.*} and
 * {@code management.opentelemetry.*} properties (e.g. a lower sampling probability) still win. A
 * value that is not an http(s) URL stops the service rather than tracing into nowhere.
 */
public class TracingSwitch implements EnvironmentPostProcessor, Ordered {

    /** Bound from {@code MEDIAFLOW_TRACING_ENDPOINT}. */
    static final String PROPERTY = "mediaflow.tracing-endpoint";
    static final String TRACES_PATH = "/v1/traces";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String endpoint = environment.getProperty(PROPERTY, "").trim();
        Map<String, Object> settings = endpoint.isEmpty()
                ? Map.of("management.tracing.export.enabled", false,
                        "management.tracing.sampling.probability", 0.0)
                : Map.of("management.opentelemetry.tracing.export.otlp.endpoint", tracesUrl(endpoint),
                        "management.tracing.sampling.probability", 1.0);
        environment.getPropertySources().addLast(new MapPropertySource("mediaflowTracing", settings));
    }

    /** The collector's traces URL: the endpoint as given, or with {@value #TRACES_PATH} when it has no path. */
    static String tracesUrl(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw invalid(endpoint);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw invalid(endpoint);
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return endpoint.replaceAll("/+$", "") + TRACES_PATH;
        }
        return endpoint;
    }

    private static IllegalArgumentException invalid(String endpoint) {
        return new IllegalArgumentException("MEDIAFLOW_TRACING_ENDPOINT must be an http(s) URL of an OTLP/HTTP "
                + "collector such as http://otel-collector:4318, not '" + endpoint + "'");
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
