package dev.mediaflow.queue.config;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class R2dbcUrlFromJdbcUrlTest {

    @Test
    void derivesTheR2dbcUrlFromTheJdbcUrlAtLookupTime() {
        MockEnvironment environment = new MockEnvironment();
        new R2dbcUrlFromJdbcUrl().postProcessEnvironment(environment, null);

        environment.setProperty("spring.flyway.url", "jdbc:postgresql://db.local:5433/media?sslmode=disable");

        assertThat(environment.getProperty("spring.r2dbc.url"))
                .isEqualTo("r2dbc:postgresql://db.local:5433/media?sslmode=disable");
    }

    @Test
    void leavesAnExplicitR2dbcUrlAndNonJdbcUrlsAlone() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.flyway.url", "jdbc:postgresql://a/b")
                .withProperty("spring.r2dbc.url", "r2dbc:postgresql://explicit/db");
        new R2dbcUrlFromJdbcUrl().postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("spring.r2dbc.url")).isEqualTo("r2dbc:postgresql://explicit/db");
        assertThat(R2dbcUrlFromJdbcUrl.toR2dbc("postgresql://no-prefix")).isNull();
    }
}
