package dev.mediaflow.visionworker.depth;

import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Micro-batching for concurrent tasks: each consumer thread asks for one depth map, and the
 * requests that arrive within {@code maxWait} of the first (up to {@code maxBatch}) share one
 * forward pass. On a GPU a batch costs about as much as one image; with one consumer (the CPU
 * default) every request runs alone at once.
 *
 * <p>The size of every forward pass reaches Prometheus as {@code mediaflow_inference_batch_size}, told by the
 * estimator where the pass really runs (it splits a batch whose pictures need different input sizes), so this
 * class keeps no counters of its own.
 */
public class DepthBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DepthBatcher.class);

    private record Request(Mat picture, CompletableFuture<DepthMap> result) {
    }

    private final DepthEstimator estimator;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Request> waiting = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private volatile boolean closed;

    public DepthBatcher(DepthEstimator estimator, int maxBatch, Duration maxWait) {
        this.estimator = estimator;
        this.maxBatch = Math.max(1, maxBatch);
        this.maxWaitNanos = maxWait.toNanos();
        this.dispatcher = new Thread(this::dispatch, "depth-batcher");
        this.dispatcher.setDaemon(true);
        if (this.maxBatch > 1) {
            dispatcher.start();
        }
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** Blocks until this picture's depth map is made, alone or in a batch. */
    public DepthMap estimate(Mat bgr8) {
        if (maxBatch == 1) {
            return estimator.estimate(bgr8);
        }
        CompletableFuture<DepthMap> result = new CompletableFuture<>();
        waiting.add(new Request(bgr8, result));
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private void dispatch() {
        while (!closed) {
            List<Request> batch = new ArrayList<>(maxBatch);
            try {
                batch.add(waiting.take());
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    Request next = waiting.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(r -> r.result().completeExceptionally(new IllegalStateException("depth batcher stopped")));
                return;
            }
            try {
                run(batch);
            } catch (Throwable e) {
                // the dispatcher must outlive anything a batch throws (an OutOfMemoryError, say),
                // or every consumer would wait for it forever
                log.error("A depth batch of {} failed: {}", batch.size(), e.toString());
                batch.forEach(r -> r.result().completeExceptionally(e));
            }
        }
    }

    private void run(List<Request> batch) {
        try {
            List<DepthMap> maps = estimator.estimate(batch.stream().map(Request::picture).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(maps.get(i));
            }
        } catch (RuntimeException batchFailed) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(batchFailed);
                return;
            }
            // one bad picture must not fail its neighbours: run them one by one
            log.warn("A depth batch of {} failed ({}); running its pictures one by one", batch.size(), batchFailed.getMessage());
            for (Request request : batch) {
                try {
                    request.result().complete(estimator.estimate(request.picture()));
                } catch (RuntimeException e) {
                    request.result().completeExceptionally(e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        dispatcher.interrupt();
        for (Request request; (request = waiting.poll()) != null; ) {
            request.result().completeExceptionally(new IllegalStateException("depth batcher stopped"));
        }
    }
}
