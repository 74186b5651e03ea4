package dev.mediaflow.worker.meters;

import dev.mediaflow.messages.WorkerKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code mediaflow_decode_seconds{kind}} and {@code mediaflow_encode_seconds{kind}}: where a task's time goes
 * besides the model. Decoding is a file (a photo, or a video's frame at 10%) turned into pixels; encoding is
 * pixels turned into an output's bytes (a WebP variant; a depth map from the model's output to its PNG).
 * Only steps that completed are timed: a corrupt file is refused in a millisecond and would hide the real cost.
 */
public final class CodecTimers {

    /** A step that may throw a checked exception, as decoders and encoders do. */
    @FunctionalInterface
    public interface Step<T, E extends Exception> {
        T run() throws E;
    }

    /** A thumbnail's WebP takes milliseconds; a 100-megapixel decode or a video seek can take a minute. */
    static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final Timer decode;
    private final Timer encode;

    public CodecTimers(MeterRegistry registry, WorkerKind kind) {
        this.decode = timer(registry, "mediaflow.decode", "time to decode one input into pixels", kind);
        this.encode = timer(registry, "mediaflow.encode", "time to encode one output from pixels", kind);
    }

    /** Times nothing: for code used outside a worker application (tests, benchmarks). */
    public static CodecTimers unrecorded(WorkerKind kind) {
        return new CodecTimers(new CompositeMeterRegistry(), kind);
    }

    public <T, E extends Exception> T decode(Step<T, E> step) throws E {
        return timed(decode, step);
    }

    public <T, E extends Exception> T encode(Step<T, E> step) throws E {
        return timed(encode, step);
    }

    /** An encode timed by its caller (inside a batch, say). */
    public void encoded(long nanos) {
        encode.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static <T, E extends Exception> T timed(Timer timer, Step<T, E> step) throws E {
        long start = System.nanoTime();
        T result = step.run();
        timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return result;
    }

    private static Timer timer(MeterRegistry registry, String name, String description, WorkerKind kind) {
        return Timer.builder(name).description(description).tag("kind", kind.json())
                .serviceLevelObjectives(BUCKETS).register(registry);
    }
}
