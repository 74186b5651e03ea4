package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * docs/api.md, "Upload": when free space under the storage root would fall below
 * {@code MEDIAFLOW_MIN_FREE_BYTES}, the upload gets 507 and nothing is kept. A full disk would
 * otherwise break the spool, the workers' outputs and PostgreSQL alike; the floor leaves them room.
 */
@Component
public class FreeSpaceFloor {

    private static final Logger log = LoggerFactory.getLogger(FreeSpaceFloor.class);
    /** How often a stream of unknown length is checked against the floor while it arrives. */
    static final long CHECK_EVERY_BYTES = 4L * 1024 * 1024;

    private final StorageRoot storage;
    private final long minFreeBytes;

    public FreeSpaceFloor(StorageRoot storage, GatewayProperties properties) {
        this.storage = storage;
        this.minFreeBytes = properties.minFreeBytes();
    }

    /** Refuses when taking {@code incomingBytes} more (0 when unknown) would leave less than the floor. */
    public void require(long incomingBytes) {
        long usable = storage.root().toFile().getUsableSpace();
        if (usable - Math.max(0, incomingBytes) < minFreeBytes) {
            log.warn("Refusing an upload of {} bytes: {} bytes free under {}, the floor is {}",
                    incomingBytes < 0 ? "unknown" : incomingBytes, usable, storage.root(), minFreeBytes);
            throw new ApiException(HttpStatus.INSUFFICIENT_STORAGE.value(), "insufficient_storage",
                    "the server is short of disk space for uploads; try again later");
        }
    }

    /**
     * {@code body}, failing with 507 when the floor is reached while it arrives (checked every
     * {@value #CHECK_EVERY_BYTES} bytes), so a stream of unknown size is stopped before it eats into the floor.
     */
    public Flux<DataBuffer> watch(Flux<DataBuffer> body) {
        return Flux.defer(() -> {
            long[] total = {0};
            long[] nextCheck = {CHECK_EVERY_BYTES};
            return body.handle((buffer, sink) -> {
                total[0] += buffer.readableByteCount();
                if (total[0] >= nextCheck[0]) {
                    nextCheck[0] = total[0] + CHECK_EVERY_BYTES;
                    try {
                        require(0);
                    } catch (ApiException e) {
                        DataBufferUtils.release(buffer);
                        sink.error(e);
                        return;
                    }
                }
                sink.next(buffer);
            });
        });
    }
}
