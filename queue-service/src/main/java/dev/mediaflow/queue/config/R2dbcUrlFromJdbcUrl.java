package dev.mediaflow.queue.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * One database setting for both drivers: {@code spring.r2dbc.url} defaults to {@code spring.flyway.url}
 * (fed by {@code POSTGRES_URL}) with {@code jdbc:} replaced by {@code r2dbc:}.
 *
 * <p>The value is computed on every lookup, so properties added after this post-processor ran
 * (test {@code @DynamicPropertySource}s) are honoured; an explicit {@code spring.r2dbc.url} wins.
 */
public class R2dbcUrlFromJdbcUrl implements EnvironmentPostProcessor {

    static final String R2DBC_URL = "spring.r2dbc.url";
    static final String JDBC_URL = "spring.flyway.url";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new DerivedUrl(environment));
    }

    static String toR2dbc(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            return null;
        }
        return "r2dbc:" + jdbcUrl.substring("jdbc:".length());
    }

    /** Its source is not the environment itself: Spring Boot would descend into it and loop. */
    private static final class DerivedUrl extends PropertySource<Object> {

        private final ConfigurableEnvironment environment;

        DerivedUrl(ConfigurableEnvironment environment) {
            super("mediaflowDerivedR2dbcUrl", new Object());
            this.environment = environment;
        }

        @Override
        public Object getProperty(String name) {
            if (!R2DBC_URL.equals(name)) {
                return null;
            }
            return toR2dbc(environment.getProperty(JDBC_URL));
        }
    }
}
