package dev.mediaflow.messages;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Where one owner's file lies in the completed-content filter ({@link RedisKeys#completedContent}): a Bloom filter
 * of {@value #SIZE_BITS} bits (2 MiB in Redis), {@value #HASHES} bits per media item, so that the gateway can tell
 * an upload that repeats no completed media item of its owner without asking queue-service (docs/api.md, "Upload",
 * content dedup). A bit set by another item only costs that question; a missing bit would cost the
 * {@code duplicateOf} answer, which is why queue-service sets the bits after every completion and the gateway trusts
 * the filter only while it is marked complete ({@link RedisKeys#completedContentReady}).
 *
 * <p>One definition for both services: queue-service writes the bits that the gateway reads. The SHA-256 is already
 * a uniform hash, so its first 128 bits, mixed with a 64-bit FNV-1a hash of the owner (one file of two owners lies
 * on different bits), give the positions by double hashing (Kirsch and Mitzenmacher): {@code a + i * b}.
 * About 0.4 % of lookups of new files still ask queue-service at a million completed items, 20 % at five million.
 */
public final class CompletedContentBits {

    /** Bits in the filter: a power of two. */
    public static final long SIZE_BITS = 1L << 24;
    /** Bits per media item. */
    public static final int HASHES = 3;

    private CompletedContentBits() {
    }

    /**
     * The filter's bits of this owner's file, as {@code SETBIT}/{@code GETBIT} offsets.
     *
     * @param sha256 the file's SHA-256, 64 hex digits (either case)
     * @throws IllegalArgumentException when {@code sha256} is not 64 hex digits
     */
    public static long[] of(String owner, String sha256) {
        if (sha256 == null || sha256.length() != 64 || !sha256.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException("a SHA-256 is 64 hex digits");
        }
        long ownerHash = fnv1a(owner == null ? "" : owner);
        long a = HexFormat.fromHexDigitsToLong(sha256, 0, 16) ^ ownerHash;
        long b = (HexFormat.fromHexDigitsToLong(sha256, 16, 32) ^ Long.rotateLeft(ownerHash, 32)) | 1;
        long[] bits = new long[HASHES];
        for (int i = 0; i < HASHES; i++) {
            bits[i] = (a + i * b) & (SIZE_BITS - 1);
        }
        return bits;
    }

    /** {@link #of} as the arguments of a {@code SETBIT} or {@code GETBIT} script (decimal offsets). */
    public static List<String> arguments(String owner, String sha256) {
        long[] bits = of(owner, sha256);
        List<String> arguments = new ArrayList<>(bits.length);
        for (long bit : bits) {
            arguments.add(Long.toString(bit));
        }
        return arguments;
    }

    private static long fnv1a(String value) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
