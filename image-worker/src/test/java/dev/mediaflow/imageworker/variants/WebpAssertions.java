package dev.mediaflow.imageworker.variants;

import dev.mediaflow.worker.media.PhotoDecoder;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;

final class WebpAssertions {

    private WebpAssertions() {
    }

    /** Checks the RIFF....WEBP magic and decodes the file (as stored, no orientation applied). */
    static Mat readWebp(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).as("size of %s", file.getFileName()).isGreaterThan(12);
        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(bytes, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
        Mat image = PhotoDecoder.openCvDecode(bytes, IMREAD_UNCHANGED);
        assertThat(image.empty()).as("%s decodes", file.getFileName()).isFalse();
        return image;
    }

    static void assertNoTemporaryFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.endsWith(".tmp"));
        }
    }
}
