package dev.mediaflow.deploy;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The alerting rules of {@code deploy/prometheus/rules/*.yml} and the {@code promtool test rules} files of
 * {@code deploy/prometheus/tests}, read as YAML so that the tests can see which alert each test expects to
 * fire and which it expects to stay quiet.
 */
final class AlertRules {

    record Alert(String file, String name, String expr) {
    }

    /** One {@code alert_rule_test} entry: the alert it names and whether it expects it firing. */
    record Expectation(String testFile, String alertname, String evalTime, boolean firing) {
    }

    private AlertRules() {
    }

    static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> yaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Alert> alerts(Path rulesFile) {
        List<Alert> alerts = new ArrayList<>();
        for (Map<String, Object> group : maps(yaml(rulesFile).get("groups"))) {
            for (Map<String, Object> rule : maps(group.get("rules"))) {
                if (rule.get("alert") != null) {
                    alerts.add(new Alert(rulesFile.getFileName().toString(), (String) rule.get("alert"),
                            (String) rule.get("expr")));
                }
            }
        }
        return alerts;
    }

    /** The rules files a test file loads, resolved as promtool does: relative to the test file. */
    static List<Path> ruleFilesOf(Path testFile) {
        List<Path> files = new ArrayList<>();
        for (Object name : list(yaml(testFile).get("rule_files"))) {
            files.add(testFile.getParent().resolve((String) name).normalize());
        }
        return files;
    }

    static List<Expectation> expectations(Path testFile) {
        List<Expectation> expectations = new ArrayList<>();
        for (Map<String, Object> test : maps(yaml(testFile).get("tests"))) {
            for (Map<String, Object> alertTest : maps(test.get("alert_rule_test"))) {
                expectations.add(new Expectation(testFile.getFileName().toString(), (String) alertTest.get("alertname"),
                        String.valueOf(alertTest.get("eval_time")), !list(alertTest.get("exp_alerts")).isEmpty()));
            }
        }
        return expectations;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return (List<Map<String, Object>>) (List<?>) list(value);
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }
}
