package dev.mediaflow.gateway.upload;

import io.netty.buffer.PooledByteBufAllocator;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.codec.multipart.PartEventHttpMessageReader;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ReactiveHttpInputMessage;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * bench/multipart.sh: the CPU time of parsing one multipart upload body in-process, Spring's {@code PartEvent}
 * reader (what the upload route used before) against {@link UploadParts} (Jetty's parser), on the same bodies split
 * into the same pooled Netty buffers, one thread, no disk and no network: the parser's own cost, which the stack's
 * benchmark (bench/upload.sh) cannot separate from the rest of an upload. Not a test.
 *
 * <p>Arguments: body size in bytes, buffer size in bytes, bodies per round. Each round times both readers over the
 * same bodies (thread CPU time), the first being the JIT's warm-up.
 */
public class MultipartCpu {
    static final String B = "------------------------d74496d66958873e";
    static final NettyDataBufferFactory F = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);

    public static void main(String[] a) {
        int size = Integer.parseInt(a[0]), chunk = Integer.parseInt(a[1]), n = Integer.parseInt(a[2]);
        byte[] body = body(size);
        for (int round = 1; round <= 3; round++) {
            long s = spring(body, chunk, n), o = ours(body, chunk, n);
            System.out.printf("| %d | %d | %d | %.3f | %.3f | %.1f |%n", round, size, chunk, s / 1e6 / n, o / 1e6 / n,
                    (double) s / o);
        }
    }

    static byte[] body(int size) {
        byte[] file = new byte[size];
        new Random(1).nextBytes(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.jpg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\nthumbnail"
                + "\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\nbench\r\n--" + B
                + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static Flux<DataBuffer> buffers(byte[] body, int chunk) {
        List<int[]> ranges = new ArrayList<>();
        for (int i = 0; i < body.length; i += chunk) ranges.add(new int[]{i, Math.min(body.length, i + chunk)});
        return Flux.fromIterable(ranges).map(r -> {
            DataBuffer d = F.allocateBuffer(r[1] - r[0]);
            d.write(body, r[0], r[1] - r[0]);
            return d;
        });
    }

    static long cpu() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadCpuTime();
    }

    static long spring(byte[] body, int chunk, int n) {
        PartEventHttpMessageReader reader = new PartEventHttpMessageReader();
        reader.setMaxInMemorySize(65536);
        long t = cpu();
        for (int i = 0; i < n; i++) {
            Flux<DataBuffer> buffers = buffers(body, chunk);
            ReactiveHttpInputMessage request = new ReactiveHttpInputMessage() {
                @Override
                public HttpHeaders getHeaders() {
                    HttpHeaders headers = new HttpHeaders();
                    headers.setContentType(MediaType.parseMediaType("multipart/form-data; boundary=" + B));
                    return headers;
                }

                @Override
                public Flux<DataBuffer> getBody() {
                    return buffers;
                }
            };
            reader.read(ResolvableType.forClass(PartEvent.class), request, Map.of())
                    .doOnNext(e -> DataBufferUtils.release(e.content())).then().block();
        }
        return cpu() - t;
    }

    static long ours(byte[] body, int chunk, int n) {
        long t = cpu();
        for (int i = 0; i < n; i++) {
            UploadParts parts = new UploadParts(B, new MultipartLimits(16, 8192, 65536), false, body.length, UploadParts.FILE_CHUNK_BYTES);
            parts.fileBytes(buffers(body, chunk)).doOnNext(DataBufferUtils::release).then().block();
        }
        return cpu() - t;
    }
}
