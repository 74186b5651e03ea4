package dev.mediaflow.system;

import dev.mediaflow.testsupport.media.HeifFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and phone media end to end (issues 12 and 18, the workers' side), on the real services.
 */
@ExtendWith(StackExtension.class)
class HostileMediaIT {

    @TempDir
    Path tmp;

    /**
     * The attack of issue 12: a 0.4 MB PNG of 10000x10000 RGBA pixels (within the 100 MP limit). Its alpha blend
     * used to take about 7 GB and the worker was killed three times; now it completes on the first attempt,
     * and the depth map is capped at 2048 px (aspect kept).
     */
    @Test
    void aSmallFileOfTenThousandSquareTransparentPixelsCompletesOnTheFirstAttempt(Stack stack) throws Exception {
        Path png = transparentPng(tmp.resolve("bomb.png"), 10_000, 10_000);
        assertThat(Files.size(png)).isLessThan(1_000_000);
        ApiClient alice = stack.client("dev-alice-key");

        ApiClient.Response upload = alice.upload("bomb.png", png);
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        JsonNode item = PipelineIT.awaitStatus(alice, upload.json().get("queueId").asString(), "completed");

        assertThat(item.get("attempts").asInt()).as(item.toString()).isEqualTo(1);
        JsonNode results = item.get("results");
        assertThat(results.get("thumbnail").get("width").asInt()).isEqualTo(320);
        assertThat(results.get("low-quality").get("height").asInt()).isEqualTo(1280);
        assertThat(results.get("depth").get("width").asInt()).isEqualTo(2048);
        assertThat(results.get("depth").get("height").asInt()).isEqualTo(2048);
    }

    @Test
    void aHeicCompletesWithItsVariants(Stack stack) throws Exception {
        Path heic = HeifFiles.heic(tmp.resolve("phone.heic"), Media.png(tmp.resolve("phone.png"), 1600, 1200));
        JsonNode item = completesWithVariants(stack, "phone.heic", heic, 1600, 4.0 / 3);
        assertThat(item.get("results").get("depth").get("width").asInt()).isEqualTo(1600);
    }

    /**
     * A phone's own photo: 4032x3024 in 48 HEVC tiles of 512x512 (the last row cropped by the grid), as an
     * iPhone writes it. The worker puts the tiles together, and the depth map is capped at 2048 px.
     */
    @Test
    void aTiledPhoneSizedHeicCompletesWithItsVariants(Stack stack) throws Exception {
        Path heic = HeifFiles.grid(tmp.resolve("IMG_0042.HEIC"), Media.png(tmp.resolve("big.png"), 4032, 3024), 512);
        JsonNode item = completesWithVariants(stack, "IMG_0042.HEIC", heic, 4032, 4.0 / 3);
        JsonNode depth = item.get("results").get("depth");
        assertThat(depth.get("width").asInt()).isEqualTo(2048);
        assertThat(depth.get("height").asInt()).isEqualTo(1536);
    }

    /**
     * Stored landscape (640x480) with an irot of 90 degrees, as a phone held upright writes it: every variant is
     * portrait, so the rotation was applied.
     */
    @Test
    void aRotatedHeicIsTurnedUpright(Stack stack) throws Exception {
        Path heic = HeifFiles.transformed(tmp.resolve("upright.heic"), Media.png(tmp.resolve("up.png"), 640, 480),
                1, -1);
        JsonNode item = completesWithVariants(stack, "upright.heic", heic, 640, 3.0 / 4);
        JsonNode depth = item.get("results").get("depth");
        assertThat(depth.get("width").asInt()).isEqualTo(480);
        assertThat(depth.get("height").asInt()).isEqualTo(640);
    }

    @Test
    void anAvifCompletesWithItsVariants(Stack stack) throws Exception {
        Path avif = HeifFiles.avif(tmp.resolve("browser.avif"), Media.png(tmp.resolve("browser.png"), 1600, 1200));
        JsonNode item = completesWithVariants(stack, "browser.avif", avif, 1600, 4.0 / 3);
        assertThat(item.get("results").get("depth").get("width").asInt()).isEqualTo(1600);
    }

    /**
     * Uploads, awaits completed, and checks each WebP variant's format, longest side (the variant's, or the
     * picture's when smaller: nothing is enlarged) and aspect ratio.
     */
    private JsonNode completesWithVariants(Stack stack, String name, Path file, int longestSide, double aspect)
            throws Exception {
        ApiClient alice = stack.client("dev-alice-key");
        ApiClient.Response upload = alice.upload(name, file);
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        JsonNode item = PipelineIT.awaitStatus(alice, upload.json().get("queueId").asString(), "completed");

        String id = upload.json().get("mediaItemId").asString();
        for (String[] variant : new String[][] {{"thumbnail", "320"}, {"blur", "640"}, {"low-quality", "1280"}}) {
            ApiClient.Response r = alice.get("/api/media/" + id + "/variants/" + variant[0]);
            assertThat(r.status()).isEqualTo(200);
            byte[] b = r.body();
            assertThat(new String(b, 8, 4, StandardCharsets.US_ASCII)).as(variant[0]).isEqualTo("WEBP");
            int[] size = Media.decodedSize(b);
            assertThat(Math.max(size[0], size[1])).as(variant[0])
                    .isEqualTo(Math.min(longestSide, Integer.parseInt(variant[1])));
            assertThat((double) size[0] / size[1]).as(variant[0] + " aspect").isCloseTo(aspect,
                    org.assertj.core.api.Assertions.within(0.01));
        }
        return item;
    }

    @Test
    void aTruncatedHeicFailsWithAClearError(Stack stack) throws Exception {
        Path whole = HeifFiles.heic(tmp.resolve("whole.heic"), Media.png(tmp.resolve("whole.png"), 640, 480));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(tmp.resolve("cut.heic"), Arrays.copyOf(bytes, bytes.length * 6 / 10));
        ApiClient alice = stack.client("dev-alice-key");

        ApiClient.Response upload = alice.upload("cut.heic", cut, java.util.Map.of("operations", "thumbnail"));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        JsonNode item = PipelineIT.awaitStatus(alice, upload.json().get("queueId").asString(), "failed");

        assertThat(item.get("last_error").asString()).contains("cannot decode HEIC").doesNotContain(tmp.toString());
    }

    /**
     * An 8-bit RGBA PNG, written row by row without holding the pixels: the left half opaque red, the right half
     * transparent. Rows after the first use PNG's Up filter, so each is all zeros and deflates to almost nothing.
     */
    static Path transparentPng(Path file, int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat, new Deflater(9), 1 << 16)) {
            byte[] first = new byte[1 + width * 4];
            for (int x = 0; x < width / 2; x++) {
                first[1 + 4 * x] = (byte) 255;
                first[4 + 4 * x] = (byte) 255;
            }
            deflate.write(first);
            byte[] up = new byte[1 + width * 4];
            up[0] = 2;
            for (int y = 1; y < height; y++) {
                deflate.write(up);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 6)
                    .put((byte) 0).put((byte) 0).put((byte) 0).array());
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
        return file;
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(name);
        out.write(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
