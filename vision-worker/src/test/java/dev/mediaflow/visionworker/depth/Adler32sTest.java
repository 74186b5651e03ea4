package dev.mediaflow.visionworker.depth;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.zip.Adler32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Adler32sTest {

    @Test
    void combinesTwoPiecesIntoTheChecksumOfBothJoined() {
        Random random = new Random(3);
        // lengths around the modulus (65521) and its multiples are where a wrong reduction would show
        for (int length : new int[] {0, 1, 2, 100, 65520, 65521, 65522, 3 * 65521 + 7, 400_000}) {
            byte[] data = new byte[length + 1000];
            random.nextBytes(data);
            for (int split : new int[] {0, 1, length / 2, length, length + 1000}) {
                Adler32 first = new Adler32();
                first.update(data, 0, split);
                Adler32 second = new Adler32();
                second.update(data, split, data.length - split);
                Adler32 whole = new Adler32();
                whole.update(data);

                assertThat(Adler32s.combine(first.getValue(), second.getValue(), data.length - split))
                        .as("length %d split at %d", data.length, split).isEqualTo(whole.getValue());
            }
        }
    }

    @Test
    void allOnesDataReachesTheModulusInBothSums() {
        byte[] ones = new byte[200_000];
        java.util.Arrays.fill(ones, (byte) 0xff);
        Adler32 first = new Adler32();
        first.update(ones, 0, 123_457);
        Adler32 second = new Adler32();
        second.update(ones, 123_457, ones.length - 123_457);
        Adler32 whole = new Adler32();
        whole.update(ones);

        assertThat(Adler32s.combine(first.getValue(), second.getValue(), ones.length - 123_457))
                .isEqualTo(whole.getValue());
    }

    @Test
    void refusesANegativeLength() {
        assertThatThrownBy(() -> Adler32s.combine(1, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }
}
