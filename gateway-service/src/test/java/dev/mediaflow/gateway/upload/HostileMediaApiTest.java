package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.HeifEncoder;
import dev.mediaflow.gateway.support.HostileMedia;
import dev.mediaflow.gateway.support.MediaSamples;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/api.md, "Upload", against files made to attack the decoders behind the gateway: each is refused
 * with 422 from its header alone and leaves nothing on disk, and its honest twin is accepted. The limit is
 * the default 100 megapixels.
 */
class HostileMediaApiTest extends GatewayIntegrationTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_MAP = new ParameterizedTypeReference<>() {
    };

    @Test
    void aJpegWhoseFrameHeaderSits300KiBInIsMeasuredAndRefused() {
        refused("far.jpg", HostileMedia.jpegWithFrameHeaderAfter(300 * 1024, 30_000, 30_000), "too_many_pixels",
                "30000x30000");
        accepted("far-ok.jpg", HostileMedia.jpegWithFrameHeaderAfter(300 * 1024, 4000, 3000), "jpg", "photo");
    }

    @Test
    void aJpegWithADecoyFrameHeaderIsRefusedOnItsLargestFrame() {
        refused("decoy.jpg", HostileMedia.jpegWithDecoyFrameHeader(20_000, 10_000), "too_many_pixels", "20000x10000");
    }

    @Test
    void anImageWhoseHeaderCannotBeReadIsRefused() {
        refused("noframe.jpg", HostileMedia.jpegWithoutFrameHeader(), "unreadable_header", "JPEG");
        refused("cut.heic", HostileMedia.ftyp("heic", "mif1", "heic"), "unreadable_header", "HEIC");
    }

    @Test
    void aVideoOverThePixelLimitIsRefusedFromItsContainerHeader() {
        refused("huge.mp4", HostileMedia.video("isom", 320, 240, 16_000, 9_000, true), "too_many_pixels",
                "16000x9000");
        refused("huge.mov", HostileMedia.video("qt  ", 12_000, 12_000, 640, 480, false), "too_many_pixels",
                "12000x12000");
        refused("huge.webm", HostileMedia.matroska("webm", 15_360, 8_640, false), "too_many_pixels", "15360x8640");
        refused("late.mkv", HostileMedia.matroska("matroska", 15_360, 8_640, true), "too_many_pixels", "15360x8640");
        refused("huge.avi", HostileMedia.avi(320, 240, 12_000, 9_000), "too_many_pixels", "12000x9000");

        accepted("ok.mp4", HostileMedia.video("isom", 1920, 1080, 1920, 1080, true), "mp4", "video");
        accepted("ok.mov", HostileMedia.video("qt  ", 3840, 2160, 3840, 2160, false), "mov", "video");
        accepted("ok.webm", HostileMedia.matroska("webm", 1280, 720, true), "webm", "video");
        accepted("ok.avi", HostileMedia.avi(640, 480, 640, 480), "avi", "video");
    }

    @Test
    void aVideoWithoutAReadableFrameSizeIsRefused() {
        refused("audio.mp4", HostileMedia.audioOnlyMp4(), "unreadable_header", "MP4");
        byte[] webm = HostileMedia.matroska("webm", 1280, 720, false);
        refused("cut.webm", java.util.Arrays.copyOf(webm, 60), "unreadable_header", "WEBM");
    }

    @Test
    void animationsAreCountedFramesTimesPixels() {
        // 5000x5000 is 25 MP, under the limit; five frames of it are 125 MP, over it
        refused("anim.png", HostileMedia.apng(5000, 5000, 5), "too_many_pixels", "5000x5000 pixels x 5 frames");
        accepted("anim-ok.png", HostileMedia.apng(5000, 5000, 3), "png", "photo");
        refused("anim.gif", HostileMedia.animatedGif(2000, 2000, 30), "too_many_pixels", "x 30 frames");
        accepted("anim-ok.gif", HostileMedia.animatedGif(2000, 2000, 20), "gif", "photo");
        refused("anim.webp", HostileMedia.animatedWebp(4000, 4000, 7), "too_many_pixels", "x 7 frames");
        accepted("anim-ok.webp", HostileMedia.animatedWebp(4000, 4000, 6), "webp", "photo");
        refused("anim.avif", HostileMedia.imageSequence("avis", 1920, 1080, 60), "too_many_pixels", "x 60 frames");
        accepted("anim-ok.avif", HostileMedia.imageSequence("avis", 1920, 1080, 40), "avif", "photo");
    }

    @Test
    void aHeicWhoseIspeClaimsTooManyPixelsIsRefused() {
        refused("huge.heic", HostileMedia.heif("heic", new int[]{512, 512}, new int[]{12_000, 12_000}),
                "too_many_pixels", "12000x12000");
        refused("huge.avif", HostileMedia.heif("avif", new int[]{10_001, 10_000}), "too_many_pixels", "10001x10000");
    }

    @Test
    void heicAndAvifAreStoredWithTheirExtensionAsPhotosAndTheWorkerIsToldSo() {
        UUID heic = accepted("IMG_0001.HEIC", HeifEncoder.heic(128, 64), "heic", "photo");
        TaskMessage task = awaitMessage(WorkerKind.IMAGE.queue(), TaskMessage.class, t -> heic.equals(t.mediaItemId()))
                .body();
        assertThat(task.inputPath()).isEqualTo("uploads/alice/" + heic + ".heic");

        UUID avif = accepted("photo.avif", HeifEncoder.avif(80, 60), "avif", "photo");
        assertThat(awaitMessage(WorkerKind.VISION.queue(), TaskMessage.class, t -> avif.equals(t.mediaItemId()))
                .body().inputPath()).isEqualTo("uploads/alice/" + avif + ".avif");
        // a phone's grid photo: the grid's ispe is the largest, and it is within the limit
        accepted("grid.heic", HostileMedia.heif("heic", new int[]{512, 512}, new int[]{4032, 3024}), "heic", "photo");
    }

    @Test
    void mutatedFilesGetOnlyTheContractsAnswers() {
        Map<Integer, Integer> answers = new java.util.TreeMap<>();
        for (byte[] mutant : MediaSamples.mutants(20261129L, 30)) {
            int status = upload(ALICE, Multipart.file("mutant.bin", mutant, "application/octet-stream"))
                    .expectBody(JSON_MAP).returnResult().getStatus().value();
            answers.merge(status, 1, Integer::sum);
        }
        assertThat(answers.keySet()).as("answers %s", answers).isSubsetOf(202, 415, 422);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    private void refused(String name, byte[] bytes, String error, String messagePart) {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));
        upload(ALICE, Multipart.file(name, bytes, "application/octet-stream"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody()
                .jsonPath("$.error").isEqualTo(error)
                .jsonPath("$.message").value(m -> assertThat((String) m).contains(messagePart));
        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).containsExactlyInAnyOrderElementsOf(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    private UUID accepted(String name, byte[] bytes, String extension, String type) {
        Map<String, Object> body = upload(ALICE, Multipart.file(name, bytes, "application/octet-stream"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(body).containsEntry("type", type).containsEntry("filename", name);
        UUID mediaItemId = UUID.fromString((String) body.get("mediaItemId"));
        Path stored = STORAGE.resolve("uploads/alice/" + mediaItemId + "." + extension);
        assertThat(stored).exists();
        try {
            assertThat(Files.readAllBytes(stored)).isEqualTo(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return mediaItemId;
    }
}
