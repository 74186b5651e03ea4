package dev.mediaflow.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/prometheus (issue 13 section 2): the scrape configuration and the alert rules are valid for the real
 * promtool, every alert has unit tests that fire it and that keep it quiet, the unit tests pass, the rules
 * name only metrics the services or RabbitMQ export, and the scrape targets are the compose services.
 * The promtool checks skip when promtool is not installed; the rest runs everywhere.
 */
class PrometheusRulesTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path PROMETHEUS = REPO.resolve("deploy/prometheus");
    private static final Path RULES = PROMETHEUS.resolve("rules");
    private static final Path TESTS = PROMETHEUS.resolve("tests");

    @Test
    void promtoolAcceptsTheConfigurationAndFindsEveryRulesFile() {
        Promtool.assumeInstalled();
        Promtool.Result result = Promtool.run(PROMETHEUS, List.of("check", "config", "prometheus.yml"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains(AlertRules.yamlFiles(RULES).size() + " rule files found");
    }

    @Test
    void promtoolAcceptsTheRules() {
        Promtool.assumeInstalled();
        List<String> arguments = new ArrayList<>(List.of("check", "rules"));
        AlertRules.yamlFiles(RULES).forEach(f -> arguments.add(PROMETHEUS.relativize(f).toString()));
        Promtool.Result result = Promtool.run(PROMETHEUS, arguments);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).doesNotContain("FAILED");
    }

    @Test
    void theRuleUnitTestsPass() {
        Promtool.assumeInstalled();
        List<String> arguments = new ArrayList<>(List.of("test", "rules"));
        AlertRules.yamlFiles(TESTS).forEach(f -> arguments.add(PROMETHEUS.relativize(f).toString()));
        Promtool.Result result = Promtool.run(PROMETHEUS, arguments);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyAlertHasATestThatFiresItAndOneThatDoesNot() {
        Set<String> alerts = new TreeSet<>();
        AlertRules.yamlFiles(RULES).forEach(f -> AlertRules.alerts(f).forEach(a -> alerts.add(a.name())));
        assertThat(alerts).as("alerts in %s", RULES).hasSizeGreaterThanOrEqualTo(8);

        Set<String> fired = new TreeSet<>();
        Set<String> keptQuiet = new TreeSet<>();
        List<String> misplaced = new ArrayList<>();
        for (Path testFile : AlertRules.yamlFiles(TESTS)) {
            Set<String> loaded = new TreeSet<>();
            for (Path rulesFile : AlertRules.ruleFilesOf(testFile)) {
                assertThat(rulesFile).as("a rule file of %s", testFile).exists();
                AlertRules.alerts(rulesFile).forEach(a -> loaded.add(a.name()));
            }
            for (AlertRules.Expectation expectation : AlertRules.expectations(testFile)) {
                if (!loaded.contains(expectation.alertname())) {
                    // promtool would find no such alert and pass an empty expectation vacuously
                    misplaced.add(expectation.testFile() + " tests " + expectation.alertname() + ", which its rule_files do not define");
                }
                (expectation.firing() ? fired : keptQuiet).add(expectation.alertname());
            }
        }
        assertThat(misplaced).isEmpty();
        assertThat(fired).as("alerts with a promtool test that expects them to fire").containsAll(alerts);
        assertThat(keptQuiet).as("alerts with a promtool test that expects them not to fire").containsAll(alerts);
    }

    @Test
    void theRulesNameOnlyMetricsTheServicesOrRabbitMqExport() {
        ExportedMetrics exported = ExportedMetrics.load(Path.of("src/test/resources"));
        System.out.println("PrometheusRulesTest checks metric names against " + exported.describe());
        List<String> unknown = new ArrayList<>();
        for (Path rulesFile : AlertRules.yamlFiles(RULES)) {
            for (AlertRules.Alert alert : AlertRules.alerts(rulesFile)) {
                Set<String> names = PromqlMetricNames.in(alert.expr());
                assertThat(names).as("metric names in %s", alert).isNotEmpty();
                names.stream().filter(n -> !exported.exports(n))
                        .forEach(n -> unknown.add(alert.file() + " " + alert.name() + ": " + n));
            }
        }
        assertThat(unknown).as("metrics not in %s", exported.describe()).isEmpty();
    }

    @Test
    void theScrapeTargetsAreTheComposeServicesAndRabbitMqsDetailedEndpoint() {
        Map<String, Object> config = AlertRules.yaml(PROMETHEUS.resolve("prometheus.yml"));
        Map<String, String> targets = new LinkedHashMap<>();   // host:port -> path?params
        for (Map<String, Object> job : maps(config.get("scrape_configs"))) {
            String path = (String) job.get("metrics_path");
            Object params = job.get("params");
            String endpoint = path + (params == null ? "" : "?" + params);
            for (Map<String, Object> statics : maps(job.get("static_configs"))) {
                for (Object target : (List<?>) statics.get("targets")) {
                    targets.put((String) target, endpoint);
                }
            }
            for (Map<String, Object> dns : maps(job.get("dns_sd_configs"))) {
                for (Object name : (List<?>) dns.get("names")) {
                    targets.put(name + ":" + dns.get("port"), endpoint);
                }
            }
        }
        assertThat(targets).containsExactlyInAnyOrderEntriesOf(Map.of(
                "gateway-service:8080", "/actuator/prometheus",
                "queue-service:8081", "/actuator/prometheus",
                "image-worker:8082", "/actuator/prometheus",
                "vision-worker:8083", "/actuator/prometheus",
                "rabbitmq:15692", "/metrics/detailed?{family=[queue_coarse_metrics]}"));

        Map<String, Object> services = map(AlertRules.yaml(REPO.resolve("docker-compose.yml")).get("services"));
        Stream.of("gateway-service", "queue-service", "image-worker", "vision-worker", "rabbitmq")
                .forEach(host -> assertThat(services).as("docker-compose.yml services").containsKey(host));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
