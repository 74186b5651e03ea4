package dev.mediaflow.gateway.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One file of every kind the gateway reads headers of, real where a real encoder is at hand (ImageIO's JPEG,
 * PNG, GIF, BMP and TIFF; heif-enc's HEIC and AVIF) and built byte by byte otherwise, plus the ways the
 * property tests break them: bit flips, truncation, inserted bytes and overwritten length fields.
 */
public final class MediaSamples {

    private static List<byte[]> all;

    private MediaSamples() {
    }

    public static synchronized List<byte[]> all() {
        if (all == null) {
            List<byte[]> samples = new ArrayList<>();
            for (String format : List.of("jpg", "png", "gif", "bmp", "tiff")) {
                samples.add(TestFiles.image(format, 48, 32));
            }
            samples.add(HeifEncoder.heic(64, 64));
            samples.add(HeifEncoder.avif(48, 32));
            samples.add(HostileMedia.heif("heic", new int[]{512, 512}, new int[]{4032, 3024}));
            samples.add(HostileMedia.imageSequence("avis", 64, 48, 10));
            samples.add(HostileMedia.jpegWithFrameHeaderAfter(70_000, 640, 480));
            samples.add(HostileMedia.apng(64, 48, 4));
            samples.add(HostileMedia.animatedGif(64, 48, 5));
            samples.add(HostileMedia.animatedWebp(64, 48, 3));
            samples.add(HostileMedia.webp(64, 48));
            samples.add(HostileMedia.video("isom", 640, 360, 640, 368, true));
            samples.add(HostileMedia.video("qt  ", 640, 360, 640, 360, false));
            samples.add(HostileMedia.matroska("webm", 640, 360, false));
            samples.add(HostileMedia.matroska("matroska", 640, 360, true));
            samples.add(HostileMedia.avi(320, 240, 320, 240));
            all = List.copyOf(samples);
        }
        return all;
    }

    /** One mutation of {@code bytes}; {@code kind} 0..3 picks flip, cut, insert or overwrite. */
    public static byte[] mutate(byte[] bytes, int kind, int position, int value) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = Math.floorMod(position, bytes.length);
        byte[] out;
        switch (Math.floorMod(kind, 4)) {
            case 0 -> {
                out = bytes.clone();
                out[at] ^= (byte) (1 << Math.floorMod(value, 8));
            }
            case 1 -> out = java.util.Arrays.copyOf(bytes, at);
            case 2 -> {
                int count = 1 + Math.floorMod(value, 16);
                out = new byte[bytes.length + count];
                System.arraycopy(bytes, 0, out, 0, at);
                for (int i = 0; i < count; i++) {
                    out[at + i] = (byte) (value >> (i % 4 * 8));
                }
                System.arraycopy(bytes, at, out, at + count, bytes.length - at);
            }
            default -> {
                // a length or size field set to an extreme: the classic way into a parser's arithmetic
                out = bytes.clone();
                int[] extremes = {0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 0xFFFF, value};
                int word = extremes[Math.floorMod(value, extremes.length)];
                for (int i = 0; i < 4 && at + i < out.length; i++) {
                    out[at + i] = (byte) (word >>> (24 - 8 * i));
                }
            }
        }
        return out;
    }

    /** {@code count} mutants of every sample, each one to three mutations deep, from a fixed seed. */
    public static List<byte[]> mutants(long seed, int count) {
        Random random = new Random(seed);
        List<byte[]> mutants = new ArrayList<>();
        List<byte[]> samples = all();
        for (int i = 0; i < count; i++) {
            byte[] bytes = samples.get(random.nextInt(samples.size()));
            int depth = 1 + random.nextInt(3);
            for (int d = 0; d < depth; d++) {
                bytes = mutate(bytes, random.nextInt(4), random.nextInt(Math.max(1, bytes.length)), random.nextInt());
            }
            mutants.add(bytes);
        }
        return mutants;
    }
}
