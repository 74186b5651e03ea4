package dev.mediaflow.deploy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/grafana (issue 13 section 3): every dashboard panel queries only metrics that the services or
 * RabbitMQ really export (scrapes in src/test/resources/scrapes), through the provisioned datasource, in
 * PromQL that promtool parses; and the two dashboards show what an operator asks for.
 */
class GrafanaDashboardsTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path GRAFANA = REPO.resolve("deploy/grafana");
    private static final Path DASHBOARDS = GRAFANA.resolve("dashboards");
    private static final Pattern GRAFANA_INTERVAL = Pattern.compile("\\$__(?:rate_interval|interval|range)\\b|\\$\\{__(?:rate_interval|interval|range)}");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*(?::[a-z]+)?}?");

    private static List<DashboardQueries.Query> everyQuery() {
        List<DashboardQueries.Query> queries = new ArrayList<>();
        for (Path dashboard : DashboardQueries.dashboards(DASHBOARDS)) {
            DashboardQueries.panels(dashboard).forEach(p -> queries.addAll(p.queries()));
            queries.addAll(DashboardQueries.variables(dashboard));
        }
        return queries;
    }

    @Test
    void everyPanelQueriesOnlyMetricsTheServicesOrRabbitMqExport() {
        ExportedMetrics exported = ExportedMetrics.load(Path.of("src/test/resources"));
        System.out.println("GrafanaDashboardsTest checks metric names against " + exported.describe());
        List<DashboardQueries.Query> queries = everyQuery();
        assertThat(queries).hasSizeGreaterThan(20);
        List<String> unknown = new ArrayList<>();
        for (DashboardQueries.Query query : queries) {
            assertThat(query.expr()).as("the query of %s", query.panel()).isNotBlank();
            Set<String> names = PromqlMetricNames.in(query.expr());
            assertThat(names).as("metric names in %s", query).isNotEmpty();
            names.stream().filter(n -> !exported.exports(n)).forEach(n -> unknown.add(n + " in " + query));
        }
        assertThat(unknown).as("metrics not in %s", exported.describe()).isEmpty();
    }

    @Test
    void everyPanelHasQueriesOnTheProvisionedPrometheus() {
        Map<String, Object> provisioning = AlertRules.yaml(GRAFANA.resolve("provisioning/datasources/prometheus.yml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> datasource = ((List<Map<String, Object>>) provisioning.get("datasources")).get(0);
        assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
        Object uid = datasource.get("uid");

        List<Path> dashboards = DashboardQueries.dashboards(DASHBOARDS);
        assertThat(dashboards).hasSizeGreaterThanOrEqualTo(2);
        Set<String> uids = new HashSet<>();
        for (Path dashboard : dashboards) {
            JsonNode json = DashboardQueries.read(dashboard);
            assertThat(uids.add(DashboardQueries.text(json.path("uid")))).as("unique uid of %s", dashboard).isTrue();
            Set<Integer> ids = new HashSet<>();
            collectIds(json.path("panels"), ids, dashboard);
            for (DashboardQueries.Panel panel : DashboardQueries.panels(dashboard)) {
                assertThat(panel.queries()).as("queries of %s / %s", panel.dashboard(), panel.title()).isNotEmpty();
                assertThat(panel.datasourceUid()).as("datasource of %s / %s", panel.dashboard(), panel.title()).isEqualTo(uid);
                panel.queries().forEach(q -> assertThat(q.datasourceUid()).as("datasource of %s", q).isEqualTo(uid));
            }
            DashboardQueries.variables(dashboard)
                    .forEach(q -> assertThat(q.datasourceUid()).as("datasource of %s", q).isEqualTo(uid));
        }
    }

    private static void collectIds(JsonNode panels, Set<Integer> ids, Path dashboard) {
        for (JsonNode panel : panels) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id %s in %s", panel.path("id"), dashboard).isTrue();
            collectIds(panel.path("panels"), ids, dashboard);
        }
    }

    @Test
    void theProviderLoadsTheDashboardsFolder() {
        Map<String, Object> provisioning = AlertRules.yaml(GRAFANA.resolve("provisioning/dashboards/mediaflow.yml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> provider = ((List<Map<String, Object>>) provisioning.get("providers")).get(0);
        assertThat(provider).containsEntry("type", "file");
        assertThat(provider.get("options")).asString().contains("path=/etc/grafana/dashboards");
    }

    @Test
    void thePipelineAndWorkersDashboardsShowWhatAnOperatorAsks() {
        Map<String, Set<String>> required = new LinkedHashMap<>();
        required.put("pipeline-overview.json", Set.of(
                "mediaflow_uploads_total", "mediaflow_jobs_final_total", "mediaflow_tasks_total",  // throughput
                "rabbitmq_detailed_queue_messages_ready",                                          // depth per queue
                "mediaflow_job_wait_seconds_bucket", "mediaflow_job_duration_seconds_bucket",       // percentiles
                "mediaflow_task_duration_seconds_bucket",
                "rabbitmq_detailed_queue_messages",                                                // dead letters
                "mediaflow_spool_jobs"));
        required.put("workers.json", Set.of(
                "mediaflow_worker_busy", "mediaflow_worker_paused", "mediaflow_device_info",
                "mediaflow_inference_seconds_bucket", "mediaflow_inference_batch_size_count",
                "mediaflow_decode_seconds_bucket", "mediaflow_encode_seconds_bucket"));
        required.forEach((file, metrics) -> {
            Set<String> used = new TreeSet<>();
            DashboardQueries.panels(DASHBOARDS.resolve(file))
                    .forEach(p -> p.queries().forEach(q -> used.addAll(PromqlMetricNames.in(q.expr()))));
            assertThat(used).as("metrics of %s", file).containsAll(metrics);
        });
        // percentiles come from histogram buckets, per queue depth is per queue
        List<String> pipeline = DashboardQueries.panels(DASHBOARDS.resolve("pipeline-overview.json")).stream()
                .flatMap(p -> p.queries().stream()).map(DashboardQueries.Query::expr).toList();
        assertThat(pipeline).anyMatch(e -> e.startsWith("histogram_quantile(0.95") && e.contains("mediaflow_job_wait_seconds_bucket"));
        assertThat(pipeline).anyMatch(e -> e.contains("by (queue)") && e.contains("rabbitmq_detailed_queue_messages_ready"));
    }

    @Test
    void promtoolParsesEveryQuery() throws IOException {
        Promtool.assumeInstalled();
        // each query as a recording rule: `promtool check rules` parses its PromQL; Grafana's variables become
        // what Grafana would put there
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        List<DashboardQueries.Query> queries = everyQuery();
        for (int i = 0; i < queries.size(); i++) {
            String expr = GRAFANA_INTERVAL.matcher(queries.get(i).expr()).replaceAll("5m");
            expr = GRAFANA_VARIABLE.matcher(expr).replaceAll(".*");
            rules.append("      - record: dashboard_query_").append(i).append("\n        expr: '")
                    .append(expr.replace("'", "''")).append("'\n");
        }
        Path dir = Files.createTempDirectory("dashboard-queries");
        try {
            Files.writeString(dir.resolve("queries.yml"), rules);
            Promtool.Result result = Promtool.run(dir, List.of("check", "rules", "queries.yml"));
            assertThat(result.exitCode()).as(result.output() + "\n" + rules).isZero();
            assertThat(result.output()).contains("SUCCESS: " + queries.size() + " rules found");
        } finally {
            Files.deleteIfExists(dir.resolve("queries.yml"));
            Files.delete(dir);
        }
    }
}
