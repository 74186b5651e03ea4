package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.auth.Caller;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.function.Supplier;

/**
 * The capacity checks an upload passes before a byte of it is stored: the free-disk floor (507)
 * with the size it announces, and the owner's jobs in flight (429). The in-flight reservation is
 * held until the upload has ended, however it ends.
 *
 * <p>A refused upload's body is still read to its end and dropped (it is bounded by
 * {@link UploadBodyLimit} and the read timeouts): a server that answers and closes while the
 * client is still sending resets the connection, and the client then sees "connection reset"
 * instead of the 429 or 507 that tells it what to do.
 */
@Component
public class UploadAdmission {

    private final FreeSpaceFloor freeSpace;
    private final InflightJobLimit inflight;

    public UploadAdmission(FreeSpaceFloor freeSpace, InflightJobLimit inflight) {
        this.freeSpace = freeSpace;
        this.inflight = inflight;
    }

    /** A client's multipart upload: its body is drained when refused (see above). */
    public <T> Mono<T> admit(Caller caller, long contentLength, Flux<DataBuffer> body, Supplier<Mono<T>> upload) {
        return admit(caller, contentLength, drain(body), upload);
    }

    /**
     * Any upload: {@code upload} runs only when both checks pass, holding the owner's reservation until it ends.
     *
     * @param expectedBytes what the upload announces, or -1 when unknown (then only the floor itself is checked)
     * @param onRefused     run before the refusal is answered
     */
    public <T> Mono<T> admit(Caller caller, long expectedBytes, Mono<Void> onRefused, Supplier<Mono<T>> upload) {
        return Mono.fromRunnable(() -> freeSpace.require(expectedBytes))
                .then(inflight.reserve(caller))
                .onErrorResume(refused -> onRefused.then(Mono.error(refused)))
                .flatMap(reservation -> Mono.usingWhen(Mono.just(reservation),
                        // accepted at its answer: a Mono may be cancelled right after its value, not completed
                        admitted -> upload.get().doOnNext(answer -> admitted.accepted()),
                        admitted -> Mono.fromRunnable(admitted::release),
                        (admitted, error) -> Mono.fromRunnable(admitted::release),
                        admitted -> Mono.fromRunnable(admitted::release)));
    }

    private static Mono<Void> drain(Flux<DataBuffer> body) {
        return body.doOnNext(DataBufferUtils::release).then().onErrorComplete();
    }
}
