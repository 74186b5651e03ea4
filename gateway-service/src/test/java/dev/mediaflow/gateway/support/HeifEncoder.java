package dev.mediaflow.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real HEIC and AVIF files, made at test time by libheif's {@code heif-enc} (Debian's libheif-examples, which
 * .ci/run installs) from a PNG: the files a phone or a browser writes, not hand-made boxes.
 */
public final class HeifEncoder {

    private HeifEncoder() {
    }

    public static byte[] heic(int width, int height) {
        return encode(width, height, false);
    }

    public static byte[] avif(int width, int height) {
        return encode(width, height, true);
    }

    private static byte[] encode(int width, int height, boolean avif) {
        try {
            Path dir = Files.createTempDirectory("mf-heif");
            try {
                Path png = Files.write(dir.resolve("in.png"), TestFiles.image("png", width, height));
                Path out = dir.resolve(avif ? "out.avif" : "out.heic");
                List<String> command = new ArrayList<>(List.of("heif-enc", "-q", "60"));
                if (avif) {
                    command.add("-A");
                }
                command.addAll(List.of(png.toString(), "-o", out.toString()));
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("log").toFile()).start();
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException("heif-enc failed: " + Files.readString(dir.resolve("log")));
                }
                return Files.readAllBytes(out);
            } finally {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("heif-enc (apt-get install libheif-examples) is needed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
