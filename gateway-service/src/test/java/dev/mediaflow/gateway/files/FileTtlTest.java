package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.GatewayApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code MEDIAFLOW_FILE_TTL}: a duration like 30d or 12h, unset keeps files forever, anything else stops the start. */
@ExtendWith(OutputCaptureExtension.class)
class FileTtlTest {

    @Test
    void durationsInTheUsualShortFormsAndIsoAreTtlsAndBlankIsForever() {
        assertThat(FileTtl.parse("30d")).contains(Duration.ofDays(30));
        assertThat(FileTtl.parse("12h")).contains(Duration.ofHours(12));
        assertThat(FileTtl.parse(" 90m ")).contains(Duration.ofMinutes(90));
        assertThat(FileTtl.parse("P7D")).contains(Duration.ofDays(7));
        assertThat(FileTtl.parse(null)).isEmpty();
        assertThat(FileTtl.parse("")).isEmpty();
        assertThat(FileTtl.parse("  ")).isEmpty();
    }

    @Test
    void anythingElseIsRefusedNamingTheVariable() {
        for (String bad : List.of("banana", "30 days", "0s", "-1d", "d30")) {
            assertThatThrownBy(() -> FileTtl.parse(bad)).as(bad)
                    .isInstanceOf(InvalidFileTtlException.class)
                    .hasMessageContaining("MEDIAFLOW_FILE_TTL='" + bad + "'");
        }
    }

    private static StandardEnvironment environmentWith(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource("test-environment", variables));
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        return environment;
    }

    @Test
    void theGatewayRefusesToStartWithABadTtlAndSaysWhatToDo(CapturedOutput output) throws Exception {
        // as an operator sets it: the environment, read through application.yml's ${MEDIAFLOW_FILE_TTL:}
        SpringApplicationBuilder gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .environment(environmentWith(Map.of("MEDIAFLOW_FILE_TTL", "banana", "SERVER_PORT", "0",
                        "MEDIAFLOW_STORAGE_ROOT", Files.createTempDirectory("mf-ttl").toString(),
                        "MEDIAFLOW_QUEUE_SERVICE_URL", "http://127.0.0.1:9")));

        assertThatThrownBy(() -> gateway.run().close()).hasRootCauseInstanceOf(InvalidFileTtlException.class);

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("MEDIAFLOW_FILE_TTL='banana' is not a duration")
                .contains("e.g. 30d, 12h or 90m");
        FailureAnalysis analysis = new InvalidFileTtlFailureAnalyzer().analyze(new IllegalStateException(
                new InvalidFileTtlException("MEDIAFLOW_FILE_TTL='0s' must be longer than zero")));
        assertThat(analysis.getDescription()).contains("'0s' must be longer than zero");
        assertThat(analysis.getAction()).contains("unset it to keep files forever");
    }
}
