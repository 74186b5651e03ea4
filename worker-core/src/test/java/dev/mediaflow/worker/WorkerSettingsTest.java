package dev.mediaflow.worker;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The workers' settings as Spring binds them from {@code mediaflow.*}: the defaults and the values refused. */
class WorkerSettingsTest {

    private static WorkerSettings bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("mediaflow", WorkerSettings.class);
    }

    @Test
    void progressIsPacedToAQuarterSecondByDefaultAndZeroSendsEveryStep() {
        assertThat(bind(Map.of()).progressInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(bind(Map.of("mediaflow.progress-interval", "1s")).progressInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(bind(Map.of("mediaflow.progress-interval", "0")).progressInterval()).isZero();
    }

    @Test
    void aNegativeProgressIntervalOrConsumerCountStopsTheWorkerWithItsName() {
        assertThatThrownBy(() -> bind(Map.of("mediaflow.progress-interval", "-1s")))
                .rootCause().hasMessageContaining("mediaflow.progress-interval must not be negative");
        assertThatThrownBy(() -> bind(Map.of("mediaflow.consumers", "-1")))
                .rootCause().hasMessageContaining("mediaflow.consumers must be 0");
    }
}
