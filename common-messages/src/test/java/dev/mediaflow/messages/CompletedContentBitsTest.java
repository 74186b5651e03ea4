package dev.mediaflow.messages;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompletedContentBitsTest {

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void sameFileOfTheSameOwnerAlwaysLiesOnTheSameBitsWhateverTheCase() {
        assertThat(CompletedContentBits.of("alice", SHA)).containsExactly(CompletedContentBits.of("alice", SHA))
                .containsExactly(CompletedContentBits.of("alice", SHA.toUpperCase()))
                .hasSize(CompletedContentBits.HASHES);
        for (long bit : CompletedContentBits.of("alice", SHA)) {
            assertThat(bit).isBetween(0L, CompletedContentBits.SIZE_BITS - 1);
        }
    }

    @Test
    void theScriptArgumentsAreTheBitsInDecimal() {
        long[] bits = CompletedContentBits.of("alice", SHA);
        assertThat(CompletedContentBits.arguments("alice", SHA))
                .containsExactly(Long.toString(bits[0]), Long.toString(bits[1]), Long.toString(bits[2]));
    }

    @Test
    void theSameFileOfAnotherOwnerLiesElsewhere() {
        assertThat(CompletedContentBits.of("bob", SHA)).doesNotContain(CompletedContentBits.of("alice", SHA));
    }

    @Test
    void aValueThatIsNoSha256IsRefused() {
        assertThatThrownBy(() -> CompletedContentBits.of("alice", "abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompletedContentBits.of("alice", SHA.replace('9', 'x')))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompletedContentBits.of("alice", null)).isInstanceOf(IllegalArgumentException.class);
        // past the digits the positions are taken from, too
        assertThatThrownBy(() -> CompletedContentBits.of("alice", SHA.substring(0, 63) + "g"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The figure the docs quote: with 100,000 completed items the filter still tells almost every new file apart
     * (a false "maybe" only costs a question to queue-service), and never misses an item it holds.
     */
    @Test
    void aHundredThousandItemsLeaveFewFalseMaybesAndNoMiss() {
        Random random = new Random(14);
        BitSet filter = new BitSet((int) CompletedContentBits.SIZE_BITS);
        String[] held = new String[100_000];
        for (int i = 0; i < held.length; i++) {
            held[i] = randomSha(random);
            for (long bit : CompletedContentBits.of("owner-" + (i % 7), held[i])) {
                filter.set((int) bit);
            }
        }
        for (int i = 0; i < held.length; i++) {
            assertThat(maybe(filter, "owner-" + (i % 7), held[i])).isTrue();
        }
        int falseMaybes = 0;
        for (int i = 0; i < 100_000; i++) {
            if (maybe(filter, "owner-" + (i % 7), randomSha(random))) {
                falseMaybes++;
            }
        }
        assertThat(falseMaybes).isLessThan(10); // about 0.6 expected: (1 - e^(-3 * 1e5 / 2^24))^3 * 1e5
    }

    private static boolean maybe(BitSet filter, String owner, String sha) {
        for (long bit : CompletedContentBits.of(owner, sha)) {
            if (!filter.get((int) bit)) {
                return false;
            }
        }
        return true;
    }

    private static String randomSha(Random random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
