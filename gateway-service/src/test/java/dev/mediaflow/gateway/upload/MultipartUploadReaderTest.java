package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.http.ApiException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The upload's multipart reader over bodies split into request buffers anywhere: the file arrives byte for byte
 * (boundary-like bytes inside it included), the fields are read, every request buffer is released, and a malformed
 * body is refused with an error the API renders as 400.
 */
class MultipartUploadReaderTest {

    private static final String BOUNDARY = "----mf-7MA4YWxkTrZu0gW";
    private static final MediaType CONTENT_TYPE = MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY);
    private static final MultipartLimits LIMITS = new MultipartLimits(16, 8192, 65536);
    private static final Path DIR = TestFiles.tempDirectory("mf-multipart-reader");

    /** The request's buffers and the file's chunks all come from here, so each can be checked for its release. */
    private final CountingBuffers buffers = new CountingBuffers();
    private MultipartUploadReader reader = new MultipartUploadReader(new StreamedFileWriter(1_000_000), LIMITS, false,
            UploadParts.FILE_CHUNK_BYTES, buffers);

    @Property(tries = 300)
    void theFileAndFieldsArriveWhereverTheBodyIsSplit(@ForAll("fileContents") byte[] file,
                                                      @ForAll @IntRange(min = 0, max = 200) int projectIdLength,
                                                      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 5000) Integer> cuts,
                                                      @ForAll @IntRange(min = 1, max = 4000) int chunkBytes,
                                                      @ForAll boolean knownLength)
            throws IOException {
        String projectId = "p".repeat(projectIdLength);
        byte[] body = new Body().field("projectId", projectId).file("media", "a b.jpg", file)
                .field("priority", "7").close();
        reader = new MultipartUploadReader(new StreamedFileWriter(1_000_000), LIMITS, false, chunkBytes, buffers);

        ReceivedUpload upload = read(body, cuts, knownLength ? body.length : -1);

        assertThat(Files.readAllBytes(upload.file().tempFile())).isEqualTo(file);
        assertThat(upload.file().size()).isEqualTo(file.length);
        assertThat(upload.file().sha256()).isEqualTo(sha256(file));
        assertThat(upload.file().clientFilename()).isEqualTo("a b.jpg");
        assertThat(upload.options().projectId()).isEqualTo(projectId.isEmpty() ? null : projectId);
        assertThat(upload.options().priority()).isEqualTo(7);
    }

    @Test
    void aBoundaryCutAtEveryOffsetIsStillFound() throws IOException {
        byte[] file = ("\r\n--" + BOUNDARY.substring(0, 10) + "\r\r\n-\n-y--" + BOUNDARY + "\r\n--"
                + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "\r").getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = new Body().file("media", "f.bin", file).field("force", "true").close();
        for (int cut = 0; cut <= body.length; cut++) {
            ReceivedUpload upload = read(body, List.of(cut));
            assertThat(Files.readAllBytes(upload.file().tempFile())).as("cut at %d", cut).isEqualTo(file);
            assertThat(upload.options().force()).as("cut at %d", cut).isTrue();
            for (int second = cut; second <= body.length; second += 7) {
                assertThat(Files.readAllBytes(read(body, List.of(cut, second)).file().tempFile()))
                        .as("cuts at %d and %d", cut, second).isEqualTo(file);
            }
        }
    }

    /**
     * Jetty's parser, like most, also takes a delimiter after a bare LF: a file holding LF, "--" and its own upload's
     * whole boundary ends there. Only the client that chose that boundary for that content can send it, and the
     * rest of its body then does not parse as a part, so it is refused rather than stored cut.
     */
    @Test
    void aFileHoldingItsOwnDelimiterAfterABareLineFeedIsRefused() {
        byte[] body = new Body().file("media", "a.jpg", bytes("jpeg\n--" + BOUNDARY + "x tail")).close();

        assertThatThrownBy(() -> read(body, List.of())).isInstanceOf(DecodingException.class)
                .hasMessageContaining("bad last boundary");
    }

    @Test
    void onlyTheFirstFilePartNamedAsTheFileIsKept() throws IOException {
        byte[] body = new Body().file("attachment", "x.bin", bytes("other")).file("media", "first.jpg", bytes("one"))
                .file("file", "second.jpg", bytes("two")).field("batchId", "b").close();

        ReceivedUpload upload = read(body, List.of(40, 90));

        assertThat(Files.readAllBytes(upload.file().tempFile())).isEqualTo(bytes("one"));
        assertThat(upload.file().clientFilename()).isEqualTo("first.jpg");
        assertThat(upload.options().batchId()).isEqualTo("b");
    }

    @Test
    void aBodyWithoutItsClosingBoundaryIsRefused() {
        byte[] body = new Body().file("media", "a.jpg", bytes("jpeg bytes")).bytes();

        assertThatThrownBy(() -> read(body, List.of(10))).isInstanceOf(DecodingException.class)
                .hasMessageContaining("ended before its closing boundary");
    }

    @Test
    void aBodyCutShortInsideTheFileIsRefused() {
        byte[] whole = new Body().file("media", "a.jpg", new byte[5000]).close();
        byte[] truncated = java.util.Arrays.copyOf(whole, 3000);

        assertThatThrownBy(() -> read(truncated, List.of(1000))).isInstanceOf(DecodingException.class)
                .hasMessageContaining("ended before its closing boundary");
    }

    @Test
    void aPartWithoutContentDispositionIsRefused() {
        byte[] body = new Body().raw("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
                .file("media", "a.jpg", bytes("jpeg")).close();

        assertThatThrownBy(() -> read(body, List.of())).isInstanceOf(DecodingException.class)
                .hasMessageContaining("no Content-Disposition with a name");
    }

    @Test
    void anOversizedFieldIsRefused() {
        byte[] body = new Body().field("projectId", "p".repeat(65537)).file("media", "a.jpg", bytes("jpeg")).close();

        assertThatThrownBy(() -> read(body, List.of(30_000))).isInstanceOf(DataBufferLimitException.class)
                .hasMessageContaining("form field 'projectId' is larger than 65536 bytes");
    }

    @Test
    void tooManyPartsAndOversizedPartHeadersAreRefused() {
        Body many = new Body();
        for (int i = 0; i < 17; i++) {
            many.field("f" + i, "v");
        }
        assertThatThrownBy(() -> read(many.close(), List.of())).isInstanceOf(DecodingException.class)
                .hasMessageContaining("more than 16 parts");

        byte[] longHeader = new Body().raw("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: "
                + "x".repeat(9000) + "\r\n\r\nv\r\n").file("media", "a.jpg", bytes("jpeg")).close();
        assertThatThrownBy(() -> read(longHeader, List.of(100))).isInstanceOf(DecodingException.class)
                .hasMessageContaining("headers max length exceeded: 8192");
    }

    @Test
    void aBadFieldValueIsRefusedWithItsOwnMessageAndNoFileIsAnError() {
        byte[] badPriority = new Body().file("media", "a.jpg", bytes("jpeg")).field("priority", "high").close();
        assertThatThrownBy(() -> read(badPriority, List.of())).isInstanceOf(ApiException.class)
                .hasMessageContaining("priority");

        byte[] noFile = new Body().field("operations", "thumbnail").close();
        assertThatThrownBy(() -> read(noFile, List.of())).isInstanceOf(ApiException.class)
                .hasMessageContaining("no file");
    }

    /**
     * The file's bytes go on to the writer in chunks of up to {@link UploadParts#FILE_CHUNK_BYTES}, not one per request
     * buffer: each chunk is one write and one trip through the reactive chain (docs/performance.md, section 2).
     */
    @Test
    void aLargeFileGoesOnInFewChunksAndASmallOneInOne() throws IOException {
        reader = new MultipartUploadReader(new StreamedFileWriter(2 << 20), LIMITS, false, UploadParts.FILE_CHUNK_BYTES,
                buffers);
        byte[] large = new byte[1 << 20];
        new java.util.Random(7).nextBytes(large);
        byte[] body = new Body().file("media", "a.jpg", large).field("force", "true").close();

        ReceivedUpload upload = read(body, everyBytes(body.length, 8192), body.length);

        assertThat(Files.readAllBytes(upload.file().tempFile())).isEqualTo(large);
        assertThat(buffers.allocated()).as("chunks of a 1 MiB file sent in 8 KiB buffers (128 of them)")
                .hasSizeBetween(4, 5);

        int before = buffers.allocated().size();
        byte[] small = new Body().file("media", "b.jpg", new byte[100 * 1024]).close();
        read(small, everyBytes(small.length, 8192), small.length);
        assertThat(buffers.allocated().size() - before).as("chunks of a 100 KiB file whose Content-Length is known")
                .isEqualTo(1);
    }

    /** A file's chunks (256 KiB, or a small upload's whole size) are taken from a pool, not each a new buffer. */
    @Test
    void theServersFileChunksComeFromAPool() {
        DataBuffer chunk = UploadParts.POOLED_CHUNKS.allocateBuffer(UploadParts.FILE_CHUNK_BYTES);
        try {
            ByteBuf buffer = ((NettyDataBuffer) chunk).getNativeBuffer();
            while (buffer.unwrap() != null) {
                buffer = buffer.unwrap(); // past the wrapper Netty's leak detector puts round a sample of buffers
            }
            assertThat(buffer.alloc()).isInstanceOf(PooledByteBufAllocator.class);
            assertThat(buffer.getClass().getSimpleName()).startsWith("Pooled");
            assertThat(chunk.capacity()).isGreaterThanOrEqualTo(UploadParts.FILE_CHUNK_BYTES);
        } finally {
            DataBufferUtils.release(chunk);
        }
    }

    @Test
    void aFileOverTheLimitIsRefusedAndReleasesItsChunks() {
        reader = new MultipartUploadReader(new StreamedFileWriter(10_000), LIMITS, false, 4096, buffers);
        byte[] body = new Body().file("media", "a.jpg", new byte[50_000]).close();

        assertThatThrownBy(() -> read(body, everyBytes(body.length, 1500), body.length))
                .isInstanceOf(ApiException.class).hasMessageContaining("larger than the limit of 10000 bytes");
    }

    /** A connection lost inside the file (the body fails) leaves no chunk behind, nor a request buffer. */
    @Test
    void aBodyThatFailsInsideTheFileReleasesItsChunk() {
        byte[] whole = new Body().file("media", "a.jpg", new byte[20_000]).close();
        Flux<DataBuffer> lost = firstBuffers(whole, 3, 3000)
                .concatWith(Flux.error(new java.io.IOException("connection reset by peer")));

        assertThatThrownBy(() -> reader.source(lost, CONTENT_TYPE, whole.length)
                .receiveInto(DIR.resolve("lost-" + System.nanoTime())).block())
                .hasMessageContaining("connection reset by peer");
        assertThat(buffers.allocated()).as("the file's chunk").hasSize(1);
        assertThat(buffers.unreleased()).as("buffers left unreleased after the failure").isEmpty();
    }

    /** Reading the file's bytes cancelled while a chunk is half full (the request abandoned) releases that chunk. */
    @Test
    void aReadCancelledInsideTheFileReleasesItsChunk() {
        byte[] whole = new Body().file("media", "a.jpg", new byte[20_000]).close();
        UploadParts parts = new UploadParts(BOUNDARY, LIMITS, false, whole.length, UploadParts.FILE_CHUNK_BYTES,
                buffers);
        List<DataBuffer> received = new ArrayList<>();

        reactor.core.Disposable reading = parts.fileBytes(firstBuffers(whole, 3, 3000).concatWith(Flux.never()))
                .subscribe(received::add);
        reading.dispose();

        assertThat(received).as("nothing went on: the chunk was still filling").isEmpty();
        assertThat(buffers.allocated()).as("the file's chunk").hasSize(1);
        assertThat(buffers.unreleased()).as("buffers left unreleased after the cancel").isEmpty();
    }

    private Flux<DataBuffer> firstBuffers(byte[] body, int count, int size) {
        List<DataBuffer> first = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            first.add(buffers.wrap(java.util.Arrays.copyOfRange(body, i * size, (i + 1) * size)));
        }
        return Flux.fromIterable(first);
    }

    @Test
    void aContentTypeWithoutBoundaryIsRefused() {
        assertThatThrownBy(() -> MultipartUploadReader.boundary(MediaType.MULTIPART_FORM_DATA))
                .isInstanceOf(DecodingException.class).hasMessageContaining("no boundary");
        assertThat(MultipartUploadReader.boundary(MediaType.parseMediaType("multipart/form-data; boundary=\"a b\"")))
                .isEqualTo("a b");
    }

    @Provide
    Arbitrary<byte[]> fileContents() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        // everything that starts like a delimiter but is not one: a delimiter is a line break, "--" and the whole
        // boundary, which a client never sends inside a part (it picks a boundary its content does not hold)
        Arbitrary<String> lookalike = Arbitraries.of("\r", "\n", "\r\n", "\r\n--", "\n--", "x--" + BOUNDARY,
                "\r\n--" + BOUNDARY.substring(0, 7), "\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "-",
                "\r\r\n--" + BOUNDARY.substring(1));
        return Combinators.combine(noise, lookalike.list().ofMaxSize(6), Arbitraries.integers().between(0, 3000))
                .as((bytes, inserts, at) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    int split = Math.min(at, bytes.length);
                    out.write(bytes, 0, split);
                    inserts.forEach(s -> out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1)));
                    out.write(bytes, split, bytes.length - split);
                    return out.toByteArray();
                }).filter(bytes -> !new String(bytes, StandardCharsets.ISO_8859_1).contains("\n--" + BOUNDARY));
    }

    /** Reads {@code body} cut into request buffers at {@code cuts}, without a Content-Length. */
    private ReceivedUpload read(byte[] body, List<Integer> cuts) {
        return read(body, cuts, -1);
    }

    /**
     * Reads {@code body} cut into request buffers at {@code cuts}; every buffer it was given and every chunk the
     * reader took for the file must be released, whether the read succeeds or fails.
     */
    private ReceivedUpload read(byte[] body, List<Integer> cuts, long contentLength) {
        List<DataBuffer> request = new ArrayList<>();
        int from = 0;
        for (int cut : new TreeSet<>(cuts)) {
            if (cut > from && cut < body.length) {
                request.add(buffers.wrap(java.util.Arrays.copyOfRange(body, from, cut)));
                from = cut;
            }
        }
        request.add(buffers.wrap(java.util.Arrays.copyOfRange(body, from, body.length)));
        Path temp = DIR.resolve("upload-" + System.nanoTime());
        Set<DataBuffer> delivered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        try {
            return reader.source(Flux.fromIterable(request).doOnNext(delivered::add), CONTENT_TYPE, contentLength)
                    .receiveInto(temp).block();
        } finally {
            // a buffer never delivered (the read stopped before it) is the server's to release, not the reader's
            request.stream().filter(buffer -> !delivered.contains(buffer)).forEach(DataBufferUtils::release);
            assertThat(buffers.unreleased()).as("request buffers or file chunks left unreleased").isEmpty();
        }
    }

    private static List<Integer> everyBytes(int length, int step) {
        List<Integer> cuts = new ArrayList<>();
        for (int at = step; at < length; at += step) {
            cuts.add(at);
        }
        return cuts;
    }

    /** Netty buffers that remember themselves: the request's (wrapped) and the reader's chunks (allocated). */
    private static final class CountingBuffers extends NettyDataBufferFactory {

        private final List<NettyDataBuffer> wrapped = new ArrayList<>();
        private final List<NettyDataBuffer> allocated = new ArrayList<>();

        CountingBuffers() {
            super(UnpooledByteBufAllocator.DEFAULT);
        }

        @Override
        public synchronized DataBuffer wrap(byte[] bytes) {
            NettyDataBuffer buffer = (NettyDataBuffer) super.wrap(bytes);
            wrapped.add(buffer);
            return buffer;
        }

        @Override
        public synchronized NettyDataBuffer allocateBuffer(int initialCapacity) {
            NettyDataBuffer buffer = super.allocateBuffer(initialCapacity);
            allocated.add(buffer);
            return buffer;
        }

        synchronized List<NettyDataBuffer> allocated() {
            return List.copyOf(allocated);
        }

        synchronized List<ByteBuf> unreleased() {
            List<ByteBuf> left = new ArrayList<>();
            for (NettyDataBuffer buffer : wrapped) {
                if (buffer.getNativeBuffer().refCnt() != 0) {
                    left.add(buffer.getNativeBuffer());
                }
            }
            for (NettyDataBuffer buffer : allocated) {
                if (buffer.getNativeBuffer().refCnt() != 0) {
                    left.add(buffer.getNativeBuffer());
                }
            }
            return left;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A multipart/form-data body with {@link #BOUNDARY}, part by part. */
    private static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Body field(String name, String value) {
            return raw("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                    + "\r\n");
        }

        Body file(String name, String filename, byte[] content) {
            raw("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            out.writeBytes(content);
            return raw("\r\n");
        }

        Body raw(String text) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        byte[] close() {
            return raw("--" + BOUNDARY + "--\r\n").bytes();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
