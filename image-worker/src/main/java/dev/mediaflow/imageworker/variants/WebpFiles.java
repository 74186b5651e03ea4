package dev.mediaflow.imageworker.variants;

import dev.mediaflow.messages.VariantResult;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/** Writes WebP files the crash-safe way: temporary name in the same directory, fsync, atomic rename. */
public final class WebpFiles {

    private WebpFiles() {
    }

    public static VariantResult write(Mat image, int quality, Path target) throws IOException {
        byte[] webp = encode(image, quality);
        Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(webp);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return VariantResult.of(image.cols(), image.rows(), Files.size(target));
    }

    static byte[] encode(Mat image, int quality) throws IOException {
        try (BytePointer out = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_WEBP_QUALITY, quality)) {
            if (!imencode(".webp", image, out, params) || out.limit() == 0) {
                throw new IOException("WebP encoding failed for a " + image.cols() + "x" + image.rows() + " image");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    /** Makes the renames durable; best effort, as not every file system can sync a directory. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // nothing more to do
        }
    }
}
