package dev.mediaflow.worker.media;

import dev.mediaflow.messages.MediaType;
import dev.mediaflow.worker.InfrastructureException;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

/** The decode memory is one budget for all the consumers of a worker, not one per consumer. */
class DecodeMemoryTest {

    private static final long MB = 1024 * 1024;

    /** A picture whose decode takes exactly {@code megabytes} (8-bit grey, one frame). */
    private static PixelFootprint picture(long megabytes) {
        return new PixelFootprint(1024, (int) (megabytes * 1024), 1, 1, 1);
    }

    private static DecodeMemory memory(long megabytes, Duration timeout) {
        return new DecodeMemory(new DecodeLimits(DataSize.ofMegabytes(megabytes), timeout));
    }

    @Test
    void aDecodeThatDoesNotFitBesideAnotherWaitsForItThenRuns() throws Exception {
        DecodeMemory memory = memory(10, Duration.ofSeconds(30));
        DecodeMemory.Scope first = memory.open();
        first.reserve("first", picture(6));
        CountDownLatch started = new CountDownLatch(1);

        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            try (DecodeMemory.Scope scope = memory.open()) {
                started.countDown();
                scope.reserve("second", picture(6));
                return memory.freeBytes();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);
        assertThat(second).as("6 MB + 6 MB do not fit in 10 MB: the second decode waits").isNotDone();

        first.close();
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(4 * MB);
        assertThat(memory.freeBytes()).as("both scopes closed").isEqualTo(10 * MB);
    }

    @Test
    void decodesThatFitTogetherDoNotWait() {
        DecodeMemory memory = memory(10, Duration.ofMillis(1));
        try (DecodeMemory.Scope a = memory.open(); DecodeMemory.Scope b = memory.open()) {
            a.reserve("a", picture(4));
            b.reserve("b", picture(4));
            assertThat(memory.freeBytes()).isEqualTo(2 * MB);
        }
        assertThat(memory.freeBytes()).isEqualTo(10 * MB);
    }

    @Test
    void memoryBusyPastTheDecodeTimeoutHandsTheTaskBackWithoutHoldingAnything() {
        DecodeMemory memory = memory(10, Duration.ofMillis(200));
        try (DecodeMemory.Scope holder = memory.open(); DecodeMemory.Scope waiter = memory.open()) {
            holder.reserve("big.png", picture(8));

            assertThatThrownBy(() -> waiter.reserve("photo.jpg", picture(4)))
                    .isInstanceOf(InfrastructureException.class)
                    .hasMessageContaining("decode of photo.jpg handed back")
                    .hasMessageContaining("other decodes held the worker's decode memory (10 MB, MEDIAFLOW_DECODE_MAX_BYTES)");
            assertThat(memory.freeBytes()).isEqualTo(2 * MB);
        }
        assertThat(memory.freeBytes()).isEqualTo(10 * MB);
    }

    @Test
    void aDecodeOverTheBudgetFailsAtOnceAndHoldsNothing() {
        DecodeMemory memory = memory(10, Duration.ofSeconds(30));
        try (DecodeMemory.Scope scope = memory.open()) {
            assertThatThrownBy(() -> scope.reserve("huge.png", picture(11)))
                    .isInstanceOf(MediaTooLargeException.class)
                    .hasMessageContaining("huge.png is too large to decode");
            assertThat(memory.freeBytes()).isEqualTo(10 * MB);
        }
    }

    @Test
    void aSecondReservationInOneScopeReplacesTheFirstInsteadOfWaitingForItself() {
        DecodeMemory memory = memory(10, Duration.ofMillis(200));
        try (DecodeMemory.Scope scope = memory.open()) {
            scope.reserve("photo.gif as a picture", picture(7));
            scope.reserve("photo.gif as a frame", picture(7));
            assertThat(memory.freeBytes()).isEqualTo(3 * MB);
        }
        assertThat(memory.freeBytes()).isEqualTo(10 * MB);
    }

    @Test
    void aRealDecodeGivesItsMemoryBackOnceOnlyTheFittedPictureIsLeft(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("photo.png");
        try (Mat pixels = new Mat(600, 800, CV_8UC3, new Scalar(40, 120, 200, 0))) {
            assertThat(imwrite(png.toString(), pixels)).isTrue();
        }
        MediaDecoder decoder = new MediaDecoder(new DecodeLimits(DataSize.ofMegabytes(4), Duration.ofSeconds(30)));
        try (DecodeMemory.Scope other = decoder.memory().open()) {
            other.reserve("another consumer's picture", picture(3));

            assertThatThrownBy(() -> decoder.decode(png, MediaType.PHOTO, 320))
                    .as("800x600x3 = 1.4 MB does not fit beside 3 MB of 4 MB; the decode is handed back")
                    .isInstanceOf(InfrastructureException.class);
        }
        try (Mat small = decoder.decode(png, MediaType.PHOTO, 320)) {
            assertThat(small.cols()).isEqualTo(320);
            assertThat(decoder.memory().freeBytes()).isEqualTo(4 * MB);
        }
    }
}
