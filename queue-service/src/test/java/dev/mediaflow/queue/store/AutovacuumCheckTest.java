package dev.mediaflow.queue.store;

import dev.mediaflow.queue.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up warning about a server without autovacuum: read from the real server, said only when it is off. */
class AutovacuumCheckTest extends ApiTest {

    @Autowired
    AutovacuumCheck check;
    @Autowired
    DatabaseClient db;

    @Test
    void theSettingIsTheServersOwn() {
        String fromCatalog = db.sql("SELECT setting FROM pg_settings WHERE name = 'autovacuum'")
                .map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(10));

        assertThat(check.setting().block(Duration.ofSeconds(10))).isIn("on", "off").isEqualTo(fromCatalog);
    }

    @Test
    void onlyAServerWithoutAutovacuumIsWarnedAbout() {
        assertThat(AutovacuumCheck.warningFor("off")).hasValueSatisfying(warning ->
                assertThat(warning).contains("autovacuum = off", "ANALYZE", "docs/operations.md"));
        assertThat(AutovacuumCheck.warningFor("OFF")).isPresent();
        assertThat(AutovacuumCheck.warningFor("on")).isEmpty();
        assertThat(AutovacuumCheck.warningFor(null)).isEmpty();
    }
}
