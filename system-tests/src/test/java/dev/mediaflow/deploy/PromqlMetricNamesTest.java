package dev.mediaflow.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The extraction the dashboard and rule checks rely on: metric names in, functions, labels and keywords out. */
class PromqlMetricNamesTest {

    @Test
    void aHistogramQuantileNamesTheBucketSeriesNotItsLabelsOrFunctions() {
        assertThat(PromqlMetricNames.in(
                "histogram_quantile(0.95, sum by (kind, le) (rate(mediaflow_job_wait_seconds_bucket{kind=~\"$kind\"}[$__rate_interval])))"))
                .containsExactly("mediaflow_job_wait_seconds_bucket");
    }

    @Test
    void bothSidesOfABinaryOperationAndAJoin() {
        assertThat(PromqlMetricNames.in("""
                max by (kind) (mediaflow_workers_alive) < 1
                and on (kind) group_left (queue)
                  sum by (kind) (label_replace(rabbitmq_detailed_queue_messages{queue=~"mediaflow\\\\.(image|vision)\\\\.tasks"},
                    "kind", "$1", "queue", "mediaflow\\\\.(image|vision)\\\\.tasks")) > 0
                """)).containsExactly("mediaflow_workers_alive", "rabbitmq_detailed_queue_messages");
        assertThat(PromqlMetricNames.in("sum(rate(a_total[5m])) by (x) / ignoring(y) b_total offset 1h unless bool c"))
                .containsExactly("a_total", "b_total", "c");
    }

    @Test
    void numbersDurationsStringsAndKeywordsAreNotNames() {
        assertThat(PromqlMetricNames.in("rate(x_sum[1h30m:5m]) * 1e3 > 0x1F or vector(0) and Inf")).containsExactly("x_sum");
        assertThat(PromqlMetricNames.in("count_values(\"device\", y) # a comment names z")).containsExactly("y");
    }

    @Test
    void aNameThatIsNotExportedIsFound() {
        // the check must catch a typo: the extraction keeps the name as written, suffix and all
        assertThat(PromqlMetricNames.in("sum(rate(mediaflow_upload_bytes_buckets[5m]))"))
                .containsExactly("mediaflow_upload_bytes_buckets");
    }
}
