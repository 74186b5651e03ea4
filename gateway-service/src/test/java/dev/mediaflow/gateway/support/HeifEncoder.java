package dev.mediaflow.gateway.support;

import dev.mediaflow.testsupport.media.HeifFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real HEIC and AVIF files as bytes, made at test time by {@link HeifFiles} (heif-enc) from a PNG: the files a
 * phone or a browser writes, not hand-made boxes.
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
                return Files.readAllBytes(avif ? HeifFiles.avif(out, png) : HeifFiles.heic(out, png));
            } finally {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
