package dev.mediaflow.visionworker.depth;

/**
 * Adler-32 of two pieces of data joined, from the two pieces' own: so that bands deflated on different threads
 * need not be read a second time for their stream's checksum. The JDK's {@link java.util.zip.Adler32} has no
 * combine; this is zlib's {@code adler32_combine} (RFC 1950: s1 = 1 + sum of bytes, s2 = sum of the s1 after
 * each byte, both modulo 65521).
 */
final class Adler32s {

    private static final long BASE = 65521;

    private Adler32s() {
    }

    /**
     * @param first          Adler-32 of the first piece (1 for an empty one)
     * @param second         Adler-32 of the second piece
     * @param secondLength   the second piece's length in bytes
     * @return Adler-32 of the first piece followed by the second
     */
    static long combine(long first, long second, long secondLength) {
        if (secondLength < 0) {
            throw new IllegalArgumentException("negative length " + secondLength);
        }
        long rem = secondLength % BASE;
        long sum1 = first & 0xffff;
        long sum2 = (rem * sum1) % BASE;
        sum1 += (second & 0xffff) + BASE - 1;
        sum2 += ((first >>> 16) & 0xffff) + ((second >>> 16) & 0xffff) + BASE - rem;
        sum1 %= BASE;
        sum2 %= BASE;
        return sum1 | (sum2 << 16);
    }
}
