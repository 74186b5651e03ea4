package dev.mediaflow.messages;

/**
 * Photos get 1..100, videos 101..200; within a type a smaller file gets a lower number, and a
 * lower number runs sooner.
 *
 * <p>File sizes spread over orders of magnitude (a 40 KB icon, a 4 MB photo, a 90 MB video), so
 * the size is placed on a log scale between 1 byte and the upload limit: a linear scale would put
 * almost every photo on priority 1.
 *
 * <p>RabbitMQ priorities run the other way (higher is delivered first) and we declare queues with
 * {@code x-max-priority} 10, so {@link #amqpPriority(int)} maps 1..200 onto 9..0: photos land on
 * 9..5 and videos on 4..0, so any waiting photo goes before any waiting video.
 */
public final class PriorityRule {

    public static final int MIN = 1;
    public static final int MAX = 200;
    public static final int AMQP_MAX_PRIORITY = 10;

    private PriorityRule() {
    }

    public static int priority(MediaType type, long sizeBytes, long maxUploadBytes) {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size must not be negative: " + sizeBytes);
        }
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("upload limit must be positive: " + maxUploadBytes);
        }
        long size = Math.min(sizeBytes, maxUploadBytes);
        double scale = Math.log1p(size) / Math.log1p(maxUploadBytes);
        int withinType = 1 + (int) Math.floor(scale * 99.0);
        return (type == MediaType.VIDEO ? 100 : 0) + Math.min(100, withinType);
    }

    public static boolean isValid(int priority) {
        return priority >= MIN && priority <= MAX;
    }

    /** 1..200 (lower first) onto AMQP 9..0 (higher first). */
    public static int amqpPriority(int priority) {
        if (!isValid(priority)) {
            throw new IllegalArgumentException("priority must be 1..200: " + priority);
        }
        return (AMQP_MAX_PRIORITY - 1) - ((priority - 1) * AMQP_MAX_PRIORITY) / MAX;
    }
}
