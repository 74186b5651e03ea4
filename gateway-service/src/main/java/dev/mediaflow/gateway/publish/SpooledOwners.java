package dev.mediaflow.gateway.publish;

import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How many jobs of an owner the spool holds, for the in-flight cap that every upload checks. The spool is only a
 * directory, shared by the gateway's replicas, so the answer comes from listing it; but each record's owner is read
 * at most once, when a listing first shows it, and a record this gateway stages tells its owner without being read.
 * Every upload used to read and parse every record in the spool: the 64 staged records of 64 concurrent uploads
 * each (6 % of the gateway's CPU samples, plus the hop to the thread it ran on), or all the thousands of jobs that
 * pile up while the broker is away.
 */
final class SpooledOwners {

    private final Supplier<Set<UUID>> listing;
    private final Function<UUID, Optional<String>> readOwner;
    /** Owners of the records seen so far, by job id; what a listing no longer shows is dropped. */
    private final Map<UUID, String> owners = new ConcurrentHashMap<>();

    /**
     * @param listing   the job ids whose records the spool holds now
     * @param readOwner reads a record's owner; empty when it is gone or unreadable (then it is not counted)
     */
    SpooledOwners(Supplier<Set<UUID>> listing, Function<UUID, Optional<String>> readOwner) {
        this.listing = listing;
        this.readOwner = readOwner;
    }

    /** This gateway is writing the record of {@code jobId}: its owner is known without reading it. */
    void writing(UUID jobId, String owner) {
        owners.put(jobId, owner);
    }

    /** The records of {@code owner} in the spool now. */
    long jobsOf(String owner) {
        Set<UUID> present = listing.get();
        owners.keySet().retainAll(present);
        long count = 0;
        for (UUID jobId : present) {
            String of = owners.get(jobId);
            if (of == null) {
                of = readOwner.apply(jobId).orElse(null);
                if (of == null) {
                    continue;
                }
                owners.putIfAbsent(jobId, of);
            }
            if (of.equals(owner)) {
                count++;
            }
        }
        return count;
    }

    /** How many records' owners are remembered (for tests: those gone from the spool are forgotten). */
    int remembered() {
        return owners.size();
    }

    /** Reads the owner from a record file; empty when it is gone or is not a job. */
    static Optional<String> ownerIn(Path file) {
        try {
            return Optional.ofNullable(Json.read(Files.readAllBytes(file), JobSubmission.class).owner());
        } catch (IOException | RuntimeException goneOrUnreadable) {
            return Optional.empty();
        }
    }
}
