package dev.mediaflow.visionworker.depth;

import dev.mediaflow.worker.torch.DeviceChoice;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Concurrent requests share one forward pass, give the same maps as alone, and a bad one fails alone. */
class DepthBatcherTest {

    private static DepthEstimator estimator;
    /** The size of every forward pass, as the estimator tells the worker's meters. */
    private static final List<Integer> PASSES = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        estimator = DepthEstimator.start(DepthSettings.of(TestPictures.rowDepthModel().toString()), DeviceChoice.CPU,
                new InferenceListener() {
                    @Override
                    public void forwardPass(int batchSize, long nanos) {
                        PASSES.add(batchSize);
                    }

                    @Override
                    public void depthMapMade(long nanos) {
                    }
                });
        estimator.ready().get(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() {
        estimator.close();
    }

    @Test
    void fourConcurrentTasksShareOneForwardPass() throws Exception {
        List<Mat> pictures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pictures.add(TestPictures.jpegLike(320, 240, i));
        }
        List<DepthMap> alone = pictures.stream().map(estimator::estimate).toList();
        PASSES.clear();

        ExecutorService consumers = Executors.newFixedThreadPool(4);
        try (DepthBatcher batcher = new DepthBatcher(estimator, 4, Duration.ofMillis(500))) {
            List<CompletableFuture<DepthMap>> results = pictures.stream()
                    .map(p -> CompletableFuture.supplyAsync(() -> batcher.estimate(p), consumers))
                    .toList();
            for (int i = 0; i < 4; i++) {
                assertThat(results.get(i).get(60, TimeUnit.SECONDS).png()).isEqualTo(alone.get(i).png());
            }
            assertThat(PASSES).as("one forward pass of four").containsExactly(4);
        } finally {
            consumers.shutdownNow();
            pictures.forEach(Mat::close);
        }
    }

    @Test
    void aPictureThatCannotBeProcessedFailsAloneAndItsNeighbourSucceeds() throws Exception {
        ExecutorService consumers = Executors.newFixedThreadPool(2);
        try (DepthBatcher batcher = new DepthBatcher(estimator, 2, Duration.ofMillis(500));
             Mat good = TestPictures.jpegLike(320, 240, 9);
             Mat empty = new Mat()) {
            CompletableFuture<DepthMap> fine = CompletableFuture.supplyAsync(() -> batcher.estimate(good), consumers);
            CompletableFuture<DepthMap> bad = CompletableFuture.supplyAsync(() -> batcher.estimate(empty), consumers);
            assertThat(fine.get(60, TimeUnit.SECONDS).width()).isEqualTo(320);
            assertThatThrownBy(() -> bad.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(RuntimeException.class);
        } finally {
            consumers.shutdownNow();
        }
    }

    @Test
    void withABatchOfOneEveryRequestRunsAtOnce() throws Exception {
        try (DepthBatcher batcher = new DepthBatcher(estimator, 1, Duration.ofSeconds(10));
             Mat picture = TestPictures.jpegLike(320, 240, 3)) {
            PASSES.clear();
            long started = System.nanoTime();
            assertThat(batcher.estimate(picture).height()).isEqualTo(240);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(PASSES).containsExactly(1);
        }
    }
}
