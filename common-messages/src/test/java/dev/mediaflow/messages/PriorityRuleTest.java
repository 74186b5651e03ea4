package dev.mediaflow.messages;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriorityRuleTest {

    private static final long LIMIT = 100L * 1024 * 1024;

    @Test
    void emptyFilesGetTheLowestNumberOfTheirType() {
        assertThat(PriorityRule.priority(MediaType.PHOTO, 0, LIMIT)).isEqualTo(1);
        assertThat(PriorityRule.priority(MediaType.VIDEO, 0, LIMIT)).isEqualTo(101);
    }

    @Test
    void filesAtOrPastTheLimitGetTheHighestNumberOfTheirType() {
        assertThat(PriorityRule.priority(MediaType.PHOTO, LIMIT, LIMIT)).isEqualTo(100);
        assertThat(PriorityRule.priority(MediaType.VIDEO, LIMIT, LIMIT)).isEqualTo(200);
        assertThat(PriorityRule.priority(MediaType.PHOTO, LIMIT * 3, LIMIT)).isEqualTo(100);
    }

    @Test
    void equalSizesGetEqualNumbers() {
        assertThat(PriorityRule.priority(MediaType.PHOTO, 123_456, LIMIT))
                .isEqualTo(PriorityRule.priority(MediaType.PHOTO, 123_456, LIMIT));
    }

    @Test
    void smallerFilesGetLowerNumbersWithinAType() {
        int small = PriorityRule.priority(MediaType.PHOTO, 20_000, LIMIT);
        int big = PriorityRule.priority(MediaType.PHOTO, 5_000_000, LIMIT);
        assertThat(small).isLessThan(big);
        // and they land on different AMQP priorities, so RabbitMQ delivers the small one first
        assertThat(PriorityRule.amqpPriority(small)).isGreaterThan(PriorityRule.amqpPriority(big));
    }

    @Test
    void anyPhotoComesBeforeAnyVideo() {
        int biggestPhoto = PriorityRule.priority(MediaType.PHOTO, LIMIT, LIMIT);
        int smallestVideo = PriorityRule.priority(MediaType.VIDEO, 0, LIMIT);
        assertThat(biggestPhoto).isLessThan(smallestVideo);
        assertThat(PriorityRule.amqpPriority(biggestPhoto)).isGreaterThan(PriorityRule.amqpPriority(smallestVideo));
    }

    @Test
    void amqpPrioritiesCoverZeroToNineInReverse() {
        assertThat(PriorityRule.amqpPriority(1)).isEqualTo(9);
        assertThat(PriorityRule.amqpPriority(100)).isEqualTo(5);
        assertThat(PriorityRule.amqpPriority(101)).isEqualTo(4);
        assertThat(PriorityRule.amqpPriority(200)).isEqualTo(0);
        for (int p = 1; p < 200; p++) {
            assertThat(PriorityRule.amqpPriority(p)).isGreaterThanOrEqualTo(PriorityRule.amqpPriority(p + 1));
        }
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThatThrownBy(() -> PriorityRule.amqpPriority(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PriorityRule.amqpPriority(201)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PriorityRule.priority(MediaType.PHOTO, -1, LIMIT))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
