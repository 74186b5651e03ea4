package dev.mediaflow.imageworker.bench;

import dev.mediaflow.imageworker.variants.VariantMaker;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.*;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Benchmark, not a test (run by scripts/bench-decode-memory): the image worker's peak RSS growth while it makes
 * the three variants of one large photo. {@code make <file> <width> <height> <rgba|rgb|jpeg>} writes a picture;
 * {@code measure <file>} runs in a fresh JVM, resets the kernel's peak-RSS mark (/proc/self/clear_refs), makes
 * the variants with the default decode limits, and prints one table row: RSS before, peak, growth, time.
 */
public final class DecodeMemoryBenchmark {

    private static final long MB = 1024 * 1024;

    private DecodeMemoryBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "make" -> make(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4]);
            case "measure" -> measure(Path.of(args[1]));
            default -> throw new IllegalArgumentException("make <file> <w> <h> <rgba|rgb|jpeg> | measure <file>");
        }
    }

    /** A smooth textured picture (compresses like a photo) with, for rgba, an alpha ramp across it. */
    private static void make(Path file, int width, int height, String kind) throws IOException {
        try (Mat small = new Mat(height / 16, width / 16, CV_8UC3); Mat picture = new Mat()) {
            byte[] noise = new byte[(int) (small.total() * 3)];
            new Random(1).nextBytes(noise);
            small.data().put(noise);
            resize(small, picture, new Size(width, height), 0, 0, INTER_LINEAR);
            Mat out = picture;
            if (kind.equals("rgba")) {
                out = new Mat();
                try (Mat alpha = new Mat(height, width, CV_8UC1); MatVector planes = new MatVector()) {
                    try (Mat ramp = new Mat(1, width, CV_8UC1)) {
                        byte[] row = new byte[width];
                        for (int x = 0; x < width; x++) {
                            row[x] = (byte) (x * 255L / width);
                        }
                        ramp.data().put(row);
                        repeat(ramp, height, 1, alpha);
                    }
                    split(picture, planes);
                    planes.push_back(alpha);
                    merge(planes, out);
                }
            }
            String extension = kind.equals("jpeg") ? ".jpg" : ".png";
            int[] params = kind.equals("jpeg") ? new int[] {IMWRITE_JPEG_QUALITY, 90} : new int[] {IMWRITE_PNG_COMPRESSION, 3};
            try (BytePointer bytes = new BytePointer(); IntPointer p = new IntPointer(params)) {
                if (!imencode(extension, out, bytes, p)) {
                    throw new IOException("cannot encode " + file);
                }
                byte[] data = new byte[(int) bytes.limit()];
                bytes.get(data);
                Files.write(file, data);
            }
            if (out != picture) {
                out.close();
            }
        }
    }

    private static void measure(Path file) throws IOException {
        VariantMaker maker = new VariantMaker();
        // load the native libraries and warm the code path on a small picture first
        Path warm = Files.createTempFile("warm", ".png");
        make(warm, 64, 64, "rgba");
        Path out = Files.createTempDirectory("bench-out");
        maker.make(warm, MediaType.PHOTO, List.of(Operation.THUMBNAIL), out, () -> { });
        System.gc();
        long before = status("VmRSS");
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        long start = System.nanoTime();
        String outcome;
        try {
            maker.make(file, MediaType.PHOTO, List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY), out,
                    () -> { });
            outcome = "completed";
        } catch (RuntimeException e) {
            outcome = "refused: " + e.getMessage();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        long peak = status("VmHWM");
        System.out.printf("| %-28s | %7d | %9d | %9d | %11d | %7d | %s |%n", file.getFileName(), Files.size(file) / MB,
                before / MB, peak / MB, (peak - before) / MB, ms, outcome);
    }

    /** A /proc/self/status field, in bytes. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no " + field + " in /proc/self/status");
    }
}
