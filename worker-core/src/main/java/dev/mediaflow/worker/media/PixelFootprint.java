package dev.mediaflow.worker.media;

/**
 * What a decode will hold in memory: the decoded size, its channels and bytes per sample, and how many frames
 * are counted (an animation costs its frames, as imgproxy counts them, even though only the first is decoded:
 * a decoder may have to walk the earlier frames to reach one, and the count bounds that work too).
 */
public record PixelFootprint(long width, long height, int channels, int bytesPerSample, long frames) {

    public long bytes() {
        return Math.multiplyExact(Math.multiplyExact(width, height),
                Math.multiplyExact((long) channels * bytesPerSample, Math.max(1, frames)));
    }

    public String describe() {
        String layout = switch (channels) {
            case 1 -> "gray";
            case 2 -> "gray+alpha";
            case 3 -> "RGB";
            default -> "RGBA";
        };
        return width + "x" + height + " " + layout + " " + (8 * bytesPerSample) + "-bit"
                + (frames > 1 ? " x " + frames + " frames" : "");
    }
}
