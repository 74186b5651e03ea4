package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.gateway.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * CONTRACT.md, Upload: when free space under the storage root would fall below
 * {@code MEDIAFLOW_MIN_FREE_BYTES}, the upload gets 507 and nothing is kept. A full disk would
 * otherwise break the spool, the workers' outputs and PostgreSQL alike; the floor leaves them room.
 */
@Component
public class FreeSpaceFloor {

    private static final Logger log = LoggerFactory.getLogger(FreeSpaceFloor.class);

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
            throw new ApiException(HttpStatus.INSUFFICIENT_STORAGE, "insufficient_storage",
                    "the server is short of disk space for uploads; try again later");
        }
    }
}
