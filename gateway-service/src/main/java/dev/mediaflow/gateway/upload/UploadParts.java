package dev.mediaflow.gateway.upload;

import dev.mediaflow.http.ApiException;
import org.eclipse.jetty.http.MultiPart;
import io.netty.buffer.PooledByteBufAllocator;
import org.eclipse.jetty.io.Content;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * One upload's multipart body, parsed buffer by buffer as it arrives (on the thread that delivers it, never
 * blocking): the bytes of the file part go on, copied out of the request's buffers, to be written to disk; the form
 * fields are applied to the {@link UploadOptions} as each ends; every other part is dropped. The file part is the
 * first part named {@code media}, {@code file} or {@code image} that has a filename, as with Spring's parser before.
 *
 * <p>Jetty's {@link MultiPart.Parser} finds the boundaries: it searches each buffer whole for {@code \n--boundary}
 * (a Boyer-Moore-Horspool search that skips ahead by up to the boundary's length) where Spring's parser called a
 * callback per byte. The parser calls this listener and swallows what it throws, so a refusal is kept here as
 * {@link #failure} and raised after the parse call; the first refusal wins and the rest of the body is not parsed.
 *
 * <p>The file's bytes are gathered into chunks of up to {@link #FILE_CHUNK_BYTES} before they go on, where the
 * request's buffers are a few KiB each: every buffer that goes on costs a trip through the reactive chain (with its
 * context propagation), a hand-over to the file channel's thread and a {@code pwrite}, which per 8 KiB buffer cost
 * more CPU than the bytes themselves (docs/performance.md, section 2). A chunk is sized by what is left of the
 * request's Content-Length, so a small upload takes one buffer of its own size, not {@link #FILE_CHUNK_BYTES}.
 */
final class UploadParts implements MultiPart.Parser.Listener {

    /** The most file bytes gathered before they go on to be written (one write, one SHA-256 update). */
    static final int FILE_CHUNK_BYTES = 256 * 1024;

    /**
     * Where the file's chunks come from: Netty's classic pooled allocator. The server's own (Netty 4.2's adaptive
     * allocator) pools no buffer over 16.5 KiB in its low-memory mode, which a heap of 512 MiB or less turns on
     * ({@code scripts/local}'s {@code -Xmx512m}): every chunk, and every small upload's one buffer, was then a new
     * direct buffer, zeroed and its pages touched, 13-16 % of the event loop's CPU samples during 1 GiB uploads.
     */
    static final DataBufferFactory POOLED_CHUNKS = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);

    private enum Target { FILE, FIELD, DROP }

    private final MultiPart.Parser parser;
    private final MultipartLimits limits;
    private final boolean benchNoop;
    private final int boundaryLength;
    private final long contentLength;
    private final int chunkBytes;
    private UploadOptions options = UploadOptions.defaults();
    private int parts;
    private String disposition;
    private String contentType;
    private Target target = Target.DROP;
    private FormFieldValue field;
    private boolean fileSeen;
    private String clientFilename;
    private RuntimeException failure;
    private DataBuffer fileChunk;
    private final DataBufferFactory chunks;
    private int parsingRoom;
    private long bodyBytesBefore;
    private boolean finished;

    /**
     * @param contentLength the request's Content-Length, or a negative number when it has none
     * @param chunkBytes    the most file bytes gathered before they go on ({@link #FILE_CHUNK_BYTES} but in tests)
     * @param chunks        allocates the file's chunks ({@link #POOLED_CHUNKS} but in tests)
     */
    UploadParts(String boundary, MultipartLimits limits, boolean benchNoop, long contentLength, int chunkBytes,
                DataBufferFactory chunks) {
        this.parser = new MultiPart.Parser(boundary, this);
        this.parser.setPartHeadersMaxLength(limits.maxPartHeaderBytes());
        // counted here (onPartBegin), with this project's message; Jetty's own cap is 1000 by default
        this.parser.setMaxParts(Long.MAX_VALUE);
        this.limits = limits;
        this.benchNoop = benchNoop;
        this.boundaryLength = boundary.length();
        this.contentLength = contentLength;
        this.chunkBytes = chunkBytes;
        this.chunks = chunks;
    }

    /**
     * The file part's bytes in {@code body}, in chunks of up to {@link #chunkBytes}, each request buffer
     * released once parsed; ends with the error of the first refusal, or when the closing boundary was read and the
     * body ended. A chunk still being filled when the body fails or the reading is cancelled is released.
     */
    Flux<DataBuffer> fileBytes(Flux<DataBuffer> body) {
        // mapNotNull, not handle: with automatic context propagation on (ObservabilityAutoConfiguration), handle
        // restores every thread local around each call, per request buffer, and nothing here logs
        return body.mapNotNull(buffer -> {
            DataBuffer out;
            try {
                out = parse(buffer);
            } finally {
                DataBufferUtils.release(buffer);
            }
            if (failure != null) {
                throw failure;
            }
            return out;
        }).concatWith(Mono.defer(() -> {
            DataBuffer last = end();
            return failure != null ? Mono.error(failure) : Mono.justOrEmpty(last);
        })).doFinally(signal -> releasePending());
    }

    /** Whether the body held a file part, and its filename (as the client sent it). */
    ReceivedFile received(ReceivedFile written) {
        if (!fileSeen) {
            throw ApiException.badRequest("no file: send it as multipart/form-data field 'media'");
        }
        return new ReceivedFile(written.tempFile(), clientFilename, written.size(), written.sha256());
    }

    UploadOptions options() {
        return options;
    }

    /**
     * Parses one request buffer; returns the chunk of file bytes that is full, if any. A chunk goes on before this
     * buffer is parsed when it has no room left for all of this buffer's bytes (plus the few bytes of a
     * boundary-like tail the parser held back from the buffer before), so that a chunk never has to grow.
     */
    private synchronized DataBuffer parse(DataBuffer buffer) {
        if (failure != null || finished) {
            return null;
        }
        int room = buffer.readableByteCount() + boundaryLength + 8;
        DataBuffer out = null;
        if (fileChunk != null && fileChunk.writableByteCount() < room) {
            out = fileChunk;
            fileChunk = null;
        }
        try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
            parsingRoom = room;
            while (chunks.hasNext() && failure == null) {
                ByteBuffer chunk = chunks.next();
                if (chunk.hasRemaining()) {
                    parser.parse(Content.Chunk.from(chunk, false));
                }
            }
        } finally {
            bodyBytesBefore += buffer.readableByteCount();
        }
        if (failure != null) {
            release(out);
            release(fileChunk);
            fileChunk = null;
            return null;
        }
        return nonEmpty(out);
    }

    /** The end of the body: what is left of the file's bytes, or null (and {@link #failure} set when it was cut). */
    private synchronized DataBuffer end() {
        if (finished) {
            return null;
        }
        parsingRoom = boundaryLength + 8;
        parser.parse(Content.Chunk.EOF);
        DataBuffer last = fileChunk;
        fileChunk = null;
        finished = true;
        if (failure != null) {
            release(last);
            return null;
        }
        return nonEmpty(last);
    }

    /** Whatever the reading ended with (an error, a cancel, or the end), no chunk is left unreleased. */
    private synchronized void releasePending() {
        finished = true;
        release(fileChunk);
        fileChunk = null;
    }

    private static DataBuffer nonEmpty(DataBuffer chunk) {
        if (chunk != null && chunk.readableByteCount() == 0) {
            DataBufferUtils.release(chunk);
            return null;
        }
        return chunk;
    }

    private static void release(DataBuffer chunk) {
        if (chunk != null) {
            DataBufferUtils.release(chunk);
        }
    }

    @Override
    public void onPartBegin() {
        parts++;
        if (limits.maxParts() >= 0 && parts > limits.maxParts()) {
            fail(new DecodingException("more than " + limits.maxParts() + " parts in the multipart body"));
        }
        disposition = null;
        contentType = null;
    }

    @Override
    public void onPartHeader(String name, String value) {
        if (HttpHeaders.CONTENT_DISPOSITION.equalsIgnoreCase(name)) {
            disposition = value;
        } else if (HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
            contentType = value;
        }
    }

    @Override
    public void onPartHeaders() {
        ContentDisposition parsed;
        try {
            parsed = disposition == null ? null : ContentDisposition.parse(disposition);
        } catch (IllegalArgumentException e) {
            fail(new DecodingException("part " + parts + ": bad Content-Disposition: " + e.getMessage()));
            return;
        }
        if (parsed == null || parsed.getName() == null) {
            fail(new DecodingException("part " + parts + " has no Content-Disposition with a name"));
            return;
        }
        String name = parsed.getName();
        if (parsed.getFilename() == null) {
            target = Target.FIELD;
            field = new FormFieldValue(name, limits.maxFieldBytes());
        } else if (!fileSeen && MultipartUploadReader.FILE_FIELDS.contains(name)) {
            target = Target.FILE;
            fileSeen = true;
            clientFilename = parsed.getFilename();
        } else {
            target = Target.DROP;
        }
    }

    /**
     * Copies the chunk out at once; it is not released here: it is a view of the request buffer being parsed (or of
     * the parser's own copy of a held-back boundary prefix), and the request buffer is released after the parse.
     */
    @Override
    public void onPartContent(Content.Chunk chunk) {
        if (failure != null) {
            return;
        }
        try {
            switch (target) {
                case FILE -> fileChunk().write(chunk.getByteBuffer());
                case FIELD -> field.append(chunk.getByteBuffer());
                case DROP -> { }
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onPartEnd() {
        if (failure != null || target != Target.FIELD) {
            target = Target.DROP;
            return;
        }
        target = Target.DROP;
        try {
            options = options.with(field.name(), field.value(charset()), benchNoop);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        String problem = cause instanceof EOFException ? "the body ended before its closing boundary"
                : cause.getMessage() == null ? cause.toString() : cause.getMessage();
        fail(new DecodingException("multipart body: " + problem, cause));
    }

    /**
     * Where the file's bytes are gathered: a pooled buffer with room for at least the buffer being parsed (and a
     * held-back boundary-like tail), and for up to {@link #chunkBytes} when the request has that much left.
     */
    private DataBuffer fileChunk() {
        if (fileChunk == null) {
            long left = contentLength < 0 ? chunkBytes : contentLength - bodyBytesBefore + boundaryLength + 8;
            int size = (int) Math.max(parsingRoom, Math.min(chunkBytes, left));
            fileChunk = chunks.allocateBuffer(size);
        }
        return fileChunk;
    }

    /** A field's text in the charset its part names, as Spring's parser read it; UTF-8 when it names none. */
    private Charset charset() {
        if (contentType == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            Charset named = MediaType.parseMediaType(contentType).getCharset();
            return named != null ? named : StandardCharsets.UTF_8;
        } catch (RuntimeException e) {
            throw new DecodingException("field '" + field.name() + "': bad Content-Type: " + contentType);
        }
    }

    private void fail(RuntimeException cause) {
        if (failure == null) {
            failure = cause;
        }
    }
}
