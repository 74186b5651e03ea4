package dev.mediaflow.imageworker.device;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SeparableWeightsTest {

    @Test
    void areaWeightsOfAnIntegerFactorAverageWholeBlocks() {
        float[] w = SeparableWeights.area(6, 3);

        assertThat(w).containsExactly(0.5f, 0.5f, 0, 0, 0, 0, 0, 0, 0.5f, 0.5f, 0, 0, 0, 0, 0, 0, 0.5f, 0.5f);
    }

    @Test
    void areaWeightsOfAFractionalFactorWeighPartlyCoveredPixelsByTheirPart() {
        // 5 -> 2: cells [0, 2.5) and [2.5, 5): pixel 2 is shared half and half
        float[] w = SeparableWeights.area(5, 2);

        assertThat(w).containsExactly(0.4f, 0.4f, 0.2f, 0, 0, 0, 0, 0.2f, 0.4f, 0.4f);
    }

    @Test
    void everyOutputIsAnAverageWhateverTheSizes() {
        for (int[] sizes : new int[][] {{4000, 1280}, {3000, 960}, {1281, 1280}, {641, 320}, {7, 1}}) {
            float[] w = SeparableWeights.area(sizes[0], sizes[1]);
            for (int o = 0; o < sizes[1]; o++) {
                double sum = 0;
                for (int i = 0; i < sizes[0]; i++) {
                    assertThat(w[o * sizes[0] + i]).isGreaterThanOrEqualTo(0f);
                    sum += w[o * sizes[0] + i];
                }
                // OpenCV drops slivers under 1/1000 of a pixel at a cell's ends, and so do these weights
                assertThat(sum).as("row %d of %d -> %d", o, sizes[0], sizes[1]).isCloseTo(1.0, within(2e-3));
            }
        }
    }

    @Test
    void gaussianRowsSumToOneWithTheBorderReflected() {
        float[] w = SeparableWeights.gaussian(30, 8);

        for (int o = 0; o < 30; o++) {
            double sum = 0;
            for (int i = 0; i < 30; i++) {
                sum += w[o * 30 + i];
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
        // symmetric kernel: the middle row weighs its neighbours alike
        assertThat(w[15 * 30 + 14]).isCloseTo(w[15 * 30 + 16], within(1e-7f));
    }

    @Test
    void reflect101MirrorsWithoutRepeatingTheEdge() {
        assertThat(SeparableWeights.reflect101(-1, 5)).isEqualTo(1);
        assertThat(SeparableWeights.reflect101(-2, 5)).isEqualTo(2);
        assertThat(SeparableWeights.reflect101(5, 5)).isEqualTo(3);
        assertThat(SeparableWeights.reflect101(6, 5)).isEqualTo(2);
        assertThat(SeparableWeights.reflect101(-30, 5)).isBetween(0, 4);
        assertThat(SeparableWeights.reflect101(-3, 1)).isZero();
    }

    @Test
    void badSizesAreRefused() {
        assertThatThrownBy(() -> SeparableWeights.area(10, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeparableWeights.area(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeparableWeights.gaussian(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
