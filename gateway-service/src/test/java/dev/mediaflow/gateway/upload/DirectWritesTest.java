package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.http.ApiException;
import io.netty.buffer.UnpooledByteBufAllocator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Large uploads written past the page cache, on this machine's real file system: the file holds exactly the bytes
 * sent whatever their size and however they were cut (the last, partial block is padded and cut back), the hash and
 * size are the bytes', the file really is open with {@code O_DIRECT}, and every chunk is released and the file closed
 * when the write fails, is refused or is cancelled half way.
 */
class DirectWritesTest {

    private static final int MIB = 1 << 20;
    /** {@code O_DIRECT} in {@code /proc/self/fdinfo}'s octal flags, on x86-64 and arm64 Linux alike. */
    private static final int O_DIRECT = 040000;
    private static final Path DIR = realPath(TestFiles.tempDirectory("mf-direct-writes"));
    /** Daemon threads, left to end with the JVM: jqwik's and JUnit's tests share them, in either order. */
    private static final Scheduler THREADS = Schedulers.newBoundedElastic(4, 100, "direct-writes-test", 60, true);
    private static final Scheduler DISK = Schedulers.newBoundedElastic(4, 100, "direct-writes-disk", 60, true);

    private final List<NettyDataBuffer> sent = new ArrayList<>();
    private final NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
    private final DirectWrites direct = DirectWrites.in(DIR, 0, THREADS, DISK);

    @Property(tries = 40)
    void aFileOfAnySizeCutAnyWayArrivesWhole(@ForAll @IntRange(min = 0, max = 3 * MIB + 5000) int size,
                                             @ForAll @IntRange(min = 1, max = 300_000) int bufferBytes) throws Exception {
        byte[] file = randomBytes(size, size * 31L + bufferBytes);
        Path target = newFile();

        AtomicInteger discarded = new AtomicInteger();

        ReceivedFile written = new StreamedFileWriter(4 * MIB, direct)
                .write(buffersOf(file, bufferBytes), target, "big.mov", size)
                .doOnDiscard(DataBuffer.class, buffer -> discarded.incrementAndGet())
                .block();

        // a chunk handed on past its write would be discarded by the operators after it: released a second time,
        // when a pooled buffer's object may already serve another request
        assertThat(discarded).as("chunks discarded after a write that went well").hasValue(0);
        assertThat(Files.size(target)).isEqualTo(size);
        assertThat(Files.readAllBytes(target)).isEqualTo(file);
        assertThat(written.size()).isEqualTo(size);
        assertThat(written.sha256()).isEqualTo(sha256(file));
        assertThat(unreleased()).as("chunks left unreleased").isZero();
    }

    /**
     * More large uploads at once than there are hashing threads: each hashing thread waits for its disk writes, so
     * those must never queue behind another upload's waiting hashing thread (they have their own threads).
     */
    @Test
    void moreLargeUploadsAtOnceThanThreadsAllFinish() throws Exception {
        Scheduler twoThreads = Schedulers.newBoundedElastic(2, 100, "direct-writes-two", 60, true);
        DirectWrites onTwo = DirectWrites.in(DIR, 0, twoThreads, DISK);
        List<byte[]> files = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        List<reactor.core.publisher.Mono<ReceivedFile>> writes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] file = randomBytes(6 * MIB + i, i);
            Path target = newFile();
            files.add(file);
            targets.add(target);
            writes.add(new StreamedFileWriter(8 * MIB, onTwo).write(buffersOf(file, 256 * 1024), target, "big.mov",
                    file.length).subscribeOn(Schedulers.parallel()));
        }

        List<ReceivedFile> written = Flux.merge(writes).collectList().block(Duration.ofSeconds(60));

        assertThat(written).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(Files.readAllBytes(targets.get(i))).as("upload %d", i).isEqualTo(files.get(i));
        }
        assertThat(unreleased()).isZero();
        twoThreads.dispose();
    }

    @Test
    void theFileIsOpenForDirectWritesAndClosedWhenTheReadIsCancelledHalfWay() throws Exception {
        Path target = newFile();
        Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();
        Disposable writing = new StreamedFileWriter(8 * MIB, direct)
                .write(body.asFlux(), target, "big.mov", 8 * MIB).subscribe();
        for (int i = 0; i < 6; i++) {
            body.tryEmitNext(chunk(700_000));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(target) >= MIB);
        assertThat(openFlags(target)).as("the upload's file is open").isPresent();
        assertThat(openFlags(target).orElseThrow() & O_DIRECT).as("opened with O_DIRECT").isEqualTo(O_DIRECT);

        writing.dispose();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(openFlags(target)).as("the file is still open after the cancel").isEmpty();
            assertThat(unreleased()).as("chunks left unreleased after the cancel").isZero();
        });
    }

    /**
     * A client gone while its large upload is being written, with chunks still waiting for the writing thread: they
     * are released, the file is closed, and nothing surfaces as an error nobody receives (logged as dropped). A
     * write that the cancel cuts short is {@link #aFinishedWriteGivesItsAlignedBuffersBackAndACancelledOneDoesNot}'s.
     */
    @Test
    void aCancelDuringTheWritesDropsNoErrorAndReleasesEverything() throws Exception {
        List<Throwable> dropped = java.util.Collections.synchronizedList(new ArrayList<>());
        Hooks.onErrorDropped(dropped::add);
        try {
            for (int round = 0; round < 5; round++) {
                Path target = newFile();
                Sinks.Many<DataBuffer> body = Sinks.many().unicast().onBackpressureBuffer();
                Disposable writing = new StreamedFileWriter(64 * MIB, direct)
                        .write(body.asFlux(), target, "big.mov", 64 * MIB).subscribe();
                for (int i = 0; i < 40; i++) {
                    body.tryEmitNext(chunk(700_000));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(target) >= 4 * MIB);

                writing.dispose();

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(openFlags(target)).as("the file is still open after the cancel").isEmpty();
                    assertThat(unreleased()).as("chunks left unreleased after the cancel").isZero();
                });
            }
            assertThat(dropped).as("errors dropped after the cancels").isEmpty();
        } finally {
            Hooks.resetOnErrorDropped();
        }
    }

    @Test
    void aBodyThatFailsHalfWayFailsTheWriteReleasesItsChunksAndClosesTheFile() throws Exception {
        Path target = newFile();
        Flux<DataBuffer> lost = Flux.just(chunk(900_000), chunk(900_000), chunk(900_000))
                .concatWith(Flux.error(new IOException("connection reset by peer")));

        assertThatThrownBy(() -> new StreamedFileWriter(8 * MIB, direct).write(lost, target, "big.mov", 8 * MIB)
                .block()).hasMessageContaining("connection reset by peer");

        assertThat(unreleased()).as("chunks left unreleased").isZero();
        assertThat(openFlags(target)).as("the file is still open").isEmpty();
    }

    @Test
    void aFileOverTheLimitIsRefusedWith413AndReleasesItsChunks() {
        Flux<DataBuffer> tooMuch = Flux.range(0, 6).map(i -> chunk(500_000));

        assertThatThrownBy(() -> new StreamedFileWriter(2 * MIB, direct).write(tooMuch, newFile(), "big.mov", MIB)
                .block()).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));

        assertThat(unreleased()).as("chunks left unreleased").isZero();
    }

    @Test
    void onlyUploadsThatDeclareTheMinimumGoDirectly() {
        DirectWrites fromOneKib = DirectWrites.in(DIR, 1024, THREADS, DISK);

        assertThat(fromOneKib.suits(1023)).isFalse();
        assertThat(fromOneKib.suits(1024)).isTrue();
        assertThat(fromOneKib.suits(-1)).as("no Content-Length").isFalse();
        assertThat(DirectWrites.in(DIR, -1, THREADS, DISK).suits(Long.MAX_VALUE)).as("turned off").isFalse();
        assertThat(DirectWrites.in(DIR.resolve("missing"), 0, THREADS, DISK).suits(Long.MAX_VALUE))
                .as("a directory that cannot be probed").isFalse();
    }

    /** The upload is written through the page cache, as correctly, where direct writes cannot be had. */
    @Test
    void withoutDirectWritesTheSameBytesArriveThroughTheCache() throws Exception {
        byte[] file = randomBytes(MIB + 17, 3);
        Path target = newFile();
        DirectWrites unavailable = DirectWrites.in(DIR.resolve("missing"), 0, THREADS, DISK);

        ReceivedFile written = new StreamedFileWriter(4 * MIB, unavailable)
                .write(buffersOf(file, 100_000), target, "big.mov", file.length).block();

        assertThat(Files.readAllBytes(target)).isEqualTo(file);
        assertThat(written.sha256()).isEqualTo(sha256(file));
        assertThat(unreleased()).isZero();
    }

    @Test
    void aFinishedWriteGivesItsAlignedBuffersBackAndACancelledOneDoesNot() throws Exception {
        StagingBuffers buffers = new StagingBuffers(MIB, 4096, 2);
        ByteBuffer first = buffers.take();
        assertThat(first.alignmentOffset(0, 4096)).as("the buffer's address is aligned").isZero();
        assertThat(first.capacity()).isEqualTo(MIB);
        buffers.giveBack(first);
        Path target = newFile();
        byte[] file = randomBytes(3 * MIB + 5000, 11);

        try (DirectFileWrite write = DirectFileWrite.create(target, buffers, sha256Digest(), DISK::schedule)) {
            for (DataBuffer chunk : buffersOf(file, 700_000).collectList().block()) {
                write.append(chunk);
            }
            assertThat(write.finish()).isEqualTo(file.length);
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(file);
        List<ByteBuffer> kept = List.of(buffers.take(), buffers.take());
        assertThat(kept).as("the finished write's two buffers, kept").contains(first).doesNotHaveDuplicates();

        try (DirectFileWrite cancelled = DirectFileWrite.create(newFile(), buffers, sha256Digest(), DISK::schedule)) {
            cancelled.append(chunk(5000));
            cancelled.close(); // as a cancel does, from another thread
            assertThatCode(() -> cancelled.append(chunk(2 * MIB))).as("a write the cancel cut short")
                    .doesNotThrowAnyException();
            assertThatThrownBy(cancelled::finish).hasMessageContaining("cannot write the upload");
        }
        ByteBuffer next = buffers.take();
        assertThat(next).as("nothing given back by the cancelled write").isNotIn(kept);
        assertThat(next.alignmentOffset(0, 4096)).isZero();
        assertThat(unreleased()).isZero();
    }

    /** A staging buffer that cannot be handed to the disk (its threads are gone) fails the upload. */
    @Test
    void aFailedDiskWriteFailsTheUpload() throws Exception {
        StagingBuffers buffers = new StagingBuffers(MIB, 4096, 2);
        DirectFileWrite write = DirectFileWrite.create(newFile(), buffers, sha256Digest(), task -> {
            throw new java.util.concurrent.RejectedExecutionException("the disk threads are gone");
        });

        assertThatThrownBy(() -> write.append(chunk(MIB + 1))).hasMessageContaining("the disk threads are gone");
        write.close();
        assertThat(unreleased()).isZero();
    }

    private Flux<DataBuffer> buffersOf(byte[] file, int bufferBytes) {
        List<DataBuffer> buffers = new ArrayList<>();
        for (int from = 0; from < file.length; from += bufferBytes) {
            buffers.add(track(factory.wrap(Arrays.copyOfRange(file, from, Math.min(file.length, from + bufferBytes)))));
        }
        return Flux.fromIterable(buffers);
    }

    private DataBuffer chunk(int bytes) {
        return track(factory.wrap(randomBytes(bytes, bytes)));
    }

    private synchronized DataBuffer track(DataBuffer buffer) {
        sent.add((NettyDataBuffer) buffer);
        return buffer;
    }

    private synchronized long unreleased() {
        return sent.stream().filter(buffer -> buffer.getNativeBuffer().refCnt() != 0).count();
    }

    private static Path newFile() {
        return DIR.resolve("upload-" + System.nanoTime() + ".part");
    }

    /** The flags this process has {@code file} open with, from {@code /proc/self/fdinfo}; empty when it is closed. */
    private static Optional<Integer> openFlags(Path file) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file)) {
                        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                            if (line.startsWith("flags:")) {
                                return Optional.of(Integer.parseInt(line.substring(6).trim(), 8));
                            }
                        }
                    }
                } catch (IOException closedMeanwhile) {
                    // another descriptor closed while listing
                }
            }
        }
        return Optional.empty();
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static MessageDigest sha256Digest() throws Exception {
        return MessageDigest.getInstance("SHA-256");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }
}
