package dev.mediaflow.system;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13, section 1 on the four real processes: after a job that completes and one that fails, every service's
 * {@code /actuator/prometheus} answers without the gateway's signature (Prometheus cannot sign; see
 * {@code InternalTrustFilter}), carries the {@code mediaflow_*} series of the brief with histogram buckets and the
 * {@code application} label on every series and counts the failed task as failed; {@code promtool check metrics}
 * (when installed) parses every scrape and finds nothing wrong with the {@code mediaflow_*} series.
 *
 * <p>With {@code -Dmediaflow.write-scrapes=true} the scrapes are written to {@code src/test/resources/scrapes/}
 * (checked in: the dashboards' test reads them); they are always written to {@code target/scrapes/}.
 */
@ExtendWith(StackExtension.class)
class MetricsIT {

    /** Prometheus names as scraped, per service; the workers' shared ones are in both workers. */
    static final Map<String, List<String>> EXPECTED = Map.of(
            "gateway-service", List.of("mediaflow_uploads_total", "mediaflow_upload_bytes_bucket",
                    "mediaflow_upload_bytes_count", "mediaflow_upload_bytes_sum", "mediaflow_spool_jobs",
                    "mediaflow_publish_total", "mediaflow_storage_free_bytes", "mediaflow_storage_total_bytes"),
            "queue-service", List.of("mediaflow_jobs_final_total", "mediaflow_job_duration_seconds_bucket",
                    "mediaflow_job_wait_seconds_bucket", "mediaflow_events_total", "mediaflow_reconciler_repairs_total",
                    "mediaflow_oldest_queued_job_age_seconds", "mediaflow_jobs_past_lease",
                    "mediaflow_lease_expired_total", "mediaflow_workers_alive"),
            "image-worker", workerSeries(),
            "vision-worker", concat(workerSeries(), List.of("mediaflow_model_loaded", "mediaflow_model_load_seconds",
                    "mediaflow_inference_seconds_bucket", "mediaflow_inference_batch_size_bucket",
                    "mediaflow_device_info", "mediaflow_gpu_memory_used_bytes")));

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, Scrape> SCRAPES = new LinkedHashMap<>();
    private static String completedJob;
    private static String failedJob;

    @BeforeAll
    static void aJobThatCompletesAndOneThatFailsThenEveryServiceIsScraped(Stack stack) throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        Path dir = Files.createTempDirectory("mf-metrics-it");
        ApiClient.Response good = alice.upload("fine.jpg", Media.jpeg(dir.resolve("fine.jpg"), 800, 600));
        ApiClient.Response bad = alice.upload("corrupt.jpg", Media.corruptJpeg(dir.resolve("corrupt.jpg")),
                Map.of("operations", "thumbnail", "maxAttempts", "1"));
        assertThat(good.status()).as(good.text()).isEqualTo(202);
        assertThat(bad.status()).as(bad.text()).isEqualTo(202);
        completedJob = good.json().get("queueId").asString();
        failedJob = bad.json().get("queueId").asString();
        PipelineIT.awaitStatus(alice, completedJob, "completed");
        JsonNode failed = PipelineIT.awaitStatus(alice, failedJob, "failed");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);

        Map<String, ServiceProcess> services = services(stack);
        // the backlog gauges are read every 15 s: wait until they have seen both workers' heartbeats
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Scrape queue = Scrape.parse(scrape(services.get("queue-service")).body());
            return queue.sum("mediaflow_workers_alive", s -> s.has("kind", "image")) >= 1
                    && queue.sum("mediaflow_workers_alive", s -> s.has("kind", "vision")) >= 1;
        });
        for (Map.Entry<String, ServiceProcess> service : services.entrySet()) {
            HttpResponse<String> response = scrape(service.getValue());
            assertThat(response.statusCode()).as(service.getKey() + " without a signature").isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            SCRAPES.put(service.getKey(), Scrape.parse(response.body()));
            save(service.getKey(), response.body());
        }
    }

    @Test
    void everyServiceExportsTheSeriesOfTheBriefWithHistogramBuckets() {
        EXPECTED.forEach((service, names) ->
                assertThat(SCRAPES.get(service).names()).as(service).containsAll(names));
        Scrape image = SCRAPES.get("image-worker");
        assertThat(image.series("mediaflow_task_duration_seconds_bucket"))
                .as("buckets from milliseconds up").extracting(s -> s.labels().get("le"))
                .contains("0.005", "0.1", "1.0", "10.0", "+Inf");
        assertThat(SCRAPES.get("queue-service").series("mediaflow_job_wait_seconds_bucket"))
                .extracting(s -> s.labels().get("kind")).contains("image", "vision");
    }

    @Test
    void everySeriesCarriesTheApplicationThatExportedIt() {
        SCRAPES.forEach((service, scrape) -> {
            assertThat(scrape.samples).as(service).isNotEmpty();
            assertThat(scrape.samples).as(service)
                    .allSatisfy(s -> assertThat(s.labels()).as(s.name()).containsEntry("application", service));
        });
    }

    @Test
    void theFailedTaskIsCountedAsFailedAndDeadAndTheGoodOnesAsSucceeded() {
        Scrape image = SCRAPES.get("image-worker");
        assertThat(image.sum("mediaflow_tasks_total", s -> s.has("outcome", "failed") && s.has("kind", "image")))
                .isGreaterThanOrEqualTo(1);
        assertThat(image.sum("mediaflow_tasks_total", s -> s.has("outcome", "dead"))).isGreaterThanOrEqualTo(1);
        assertThat(image.sum("mediaflow_tasks_total", s -> s.has("outcome", "succeeded"))).isGreaterThanOrEqualTo(1);
        assertThat(image.names()).as("Spring AMQP's listener timer called failed tasks a success")
                .noneMatch(n -> n.startsWith("spring_rabbitmq_listener"));
        assertThat(image.sum("mediaflow_task_duration_seconds_count",
                s -> s.has("operation", "thumbnail+blur+low-quality") && s.has("media_type", "photo")))
                .isGreaterThanOrEqualTo(1);
        assertThat(image.sum("mediaflow_decode_seconds_count", s -> true)).isGreaterThanOrEqualTo(1);
        assertThat(image.sum("mediaflow_encode_seconds_count", s -> true)).isGreaterThanOrEqualTo(3);

        Scrape vision = SCRAPES.get("vision-worker");
        assertThat(vision.sum("mediaflow_tasks_total", s -> s.has("outcome", "succeeded") && s.has("kind", "vision")))
                .isGreaterThanOrEqualTo(1);
        assertThat(vision.sum("mediaflow_model_loaded", s -> true)).isEqualTo(1);
        assertThat(vision.series("mediaflow_device_info")).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("device", "cpu"));
        assertThat(vision.sum("mediaflow_inference_seconds_count", s -> true)).isGreaterThanOrEqualTo(1);
        assertThat(vision.sum("mediaflow_inference_batch_size_count", s -> true)).isGreaterThanOrEqualTo(1);

        Scrape queue = SCRAPES.get("queue-service");
        assertThat(queue.sum("mediaflow_jobs_final_total", s -> s.has("status", "completed"))).isGreaterThanOrEqualTo(1);
        assertThat(queue.sum("mediaflow_jobs_final_total", s -> s.has("status", "failed"))).isGreaterThanOrEqualTo(1);
        assertThat(queue.sum("mediaflow_job_duration_seconds_count", s -> s.has("status", "completed")))
                .isGreaterThanOrEqualTo(1);
        assertThat(queue.sum("mediaflow_events_total", s -> s.has("outcome", "applied"))).isGreaterThanOrEqualTo(4);

        Scrape gateway = SCRAPES.get("gateway-service");
        assertThat(gateway.sum("mediaflow_uploads_total", s -> s.has("outcome", "accepted") && s.has("media_type", "photo")))
                .isGreaterThanOrEqualTo(2);
        assertThat(gateway.sum("mediaflow_publish_total", s -> s.has("outcome", "confirmed"))).isGreaterThanOrEqualTo(2);
        assertThat(gateway.sum("mediaflow_upload_bytes_count", s -> true)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void noScrapeNamesAJobAnOwnerOrAServerPath(Stack stack) {
        SCRAPES.forEach((service, scrape) -> assertThat(scrape.text).as(service)
                .doesNotContain(completedJob).doesNotContain(failedJob)
                .doesNotContain("alice").doesNotContain(stack.storage.toString()));
    }

    /**
     * promtool parses each scrape (exit 1 on any format error) and lints it (exit 3 with a list of problems). Our
     * own series must be free of problems; the lint of Spring's and Micrometer's series (no help text on
     * {@code rabbitmq_*}, {@code system_cpu_count}'s suffix, the {@code _ms}/{@code _ns} in two JVM names) is
     * theirs, and renaming them would break every standard JVM dashboard, so those lines are only reported.
     */
    @Test
    void promtoolParsesEveryScrapeAndFindsNothingWrongWithOurSeries() throws Exception {
        assumeThat(promtool()).as("promtool is not installed (apt-get install prometheus); scrapes not checked")
                .isNotNull();
        for (Map.Entry<String, Scrape> scrape : SCRAPES.entrySet()) {
            Process check = new ProcessBuilder(promtool(), "check", "metrics").redirectErrorStream(true).start();
            try (var in = check.getOutputStream()) {
                in.write(scrape.getValue().text.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue()).as(scrape.getKey() + ": " + output).isIn(0, 3);
            List<String> problems = output.lines().filter(l -> !l.isBlank()).toList();
            assertThat(problems).as(scrape.getKey() + ": promtool about our own series")
                    .noneMatch(line -> line.startsWith("mediaflow_") || line.startsWith("error"));
            if (!problems.isEmpty()) {
                System.out.println(scrape.getKey() + ": promtool lint of library series: " + problems);
            }
        }
    }

    private static Map<String, ServiceProcess> services(Stack stack) {
        Map<String, ServiceProcess> services = new LinkedHashMap<>();
        services.put("gateway-service", stack.gateway);
        services.put("queue-service", stack.queueService);
        services.put("image-worker", stack.imageWorker);
        services.put("vision-worker", stack.visionWorker);
        return services;
    }

    private static HttpResponse<String> scrape(ServiceProcess service) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(service.url() + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void save(String service, String text) throws IOException {
        Path target = Path.of("target", "scrapes", service + ".prom");
        Files.createDirectories(target.getParent());
        Files.writeString(target, text);
        if (Boolean.getBoolean("mediaflow.write-scrapes")) {
            Path resource = Path.of("src", "test", "resources", "scrapes", service + ".prom");
            Files.createDirectories(resource.getParent());
            Files.writeString(resource, text);
        }
    }

    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static List<String> workerSeries() {
        return List.of("mediaflow_task_duration_seconds_bucket", "mediaflow_tasks_total", "mediaflow_worker_busy",
                "mediaflow_worker_paused", "mediaflow_worker_tasks_in_hand", "mediaflow_decode_seconds_bucket",
                "mediaflow_encode_seconds_bucket");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
