package dev.mediaflow.observability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class LogFormatSwitchTest {

    @SpringBootConfiguration
    static class App {
    }

    @Test
    void theVariableMapsOntoBootsStructuredFormats() {
        assertThat(LogFormatSwitch.structuredFormat("")).isNull();
        assertThat(LogFormatSwitch.structuredFormat("text")).isNull();
        assertThat(LogFormatSwitch.structuredFormat(" JSON ")).isEqualTo("ecs");
        assertThat(LogFormatSwitch.structuredFormat("logstash")).isEqualTo("logstash");
        assertThatThrownBy(() -> LogFormatSwitch.structuredFormat("jsno"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MEDIAFLOW_LOG_FORMAT");
    }

    @Test
    void jsonWritesOneObjectPerLineWithTheJobAndCorrelationIdsAsFields(CapturedOutput output) {
        UUID job = UUID.randomUUID();
        try (ConfigurableApplicationContext context = run("--mediaflow.log-format=json")) {
            try (LogContext scope = LogContext.job(job, "corr-json-1")) {
                LoggerFactory.getLogger(LogFormatSwitchTest.class).info("a line about job {}", job);
            }
        }
        JsonNode line = lineContaining(output, "a line about job");
        assertThat(line.get("jobId").asString()).isEqualTo(job.toString());
        assertThat(line.get("correlationId").asString()).isEqualTo("corr-json-1");
        assertThat(line.get("log").get("level").asString()).isEqualTo("INFO");
        assertThat(line.get("service").get("name").asString()).isEqualTo("log-format-test");
    }

    @Test
    void textIsTheDefaultAndShowsTheIdsInBracketsOnlyOnLinesThatHaveThem(CapturedOutput output) {
        UUID job = UUID.randomUUID();
        try (ConfigurableApplicationContext context = run()) {
            LoggerFactory.getLogger(LogFormatSwitchTest.class).info("a plain line");
            try (LogContext scope = LogContext.job(job, "corr-text-1")) {
                LoggerFactory.getLogger(LogFormatSwitchTest.class).info("a line of a job");
            }
            try (LogContext scope = LogContext.correlation("corr-text-2")) {
                LoggerFactory.getLogger(LogFormatSwitchTest.class).info("a line of a request");
            }
        }
        String plain = output.getOut().lines().filter(l -> l.contains("a plain line")).findFirst().orElseThrow();
        assertThat(plain).doesNotStartWith("{").contains(" INFO ").doesNotContain("[ ]").matches(".*\\] [a-z].*");
        String ofJob = output.getOut().lines().filter(l -> l.contains("a line of a job")).findFirst().orElseThrow();
        assertThat(ofJob).contains("[corr-text-1 " + job + "] ");
        String ofRequest = output.getOut().lines().filter(l -> l.contains("a line of a request")).findFirst()
                .orElseThrow();
        assertThat(ofRequest).contains("[corr-text-2 ] ");
    }

    private static ConfigurableApplicationContext run(String... args) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("spring.application.name=log-format-test").run(args);
    }

    private static JsonNode lineContaining(CapturedOutput output, String text) {
        String line = output.getOut().lines().filter(l -> l.contains(text)).findFirst().orElseThrow();
        return JsonMapper.builder().build().readTree(line);
    }
}
