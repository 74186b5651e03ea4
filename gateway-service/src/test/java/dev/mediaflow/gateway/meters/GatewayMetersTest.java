package dev.mediaflow.gateway.meters;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Uploads and publishes on the real gateway and RabbitMQ move exactly the meters an operator reads. */
class GatewayMetersTest extends GatewayIntegrationTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    MeterRegistry meters;

    @Test
    void anAcceptedPhotoIsCountedWithItsSizeAndItsConfirmedPublish() {
        double accepted = uploads("accepted", "photo");
        double confirmed = publishes("confirmed");
        var sizes = meters.get("mediaflow.upload").summary();
        long sized = sizes.count();
        double bytes = sizes.totalAmount();
        byte[] jpeg = TestFiles.image("jpg", 320, 240);

        Map<String, Object> body = upload(ALICE, Multipart.file("counted.jpg", jpeg, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED).expectBody(JSON).returnResult().getResponseBody();

        assertThat(body).containsEntry("status", "queued");
        assertThat(uploads("accepted", "photo")).isEqualTo(accepted + 1);
        assertThat(sizes.count()).isEqualTo(sized + 1);
        assertThat(sizes.totalAmount()).isEqualTo(bytes + jpeg.length);
        assertThat(publishes("confirmed")).isEqualTo(confirmed + 1);
        for (Meter meter : meters.find("mediaflow.uploads").meters()) {
            assertThat(meter.getId().getTag("application")).isEqualTo("gateway-service");
        }
    }

    @Test
    void refusalsAreCountedWithWhatTheBytesWereFoundToBe() {
        double notAPicture = uploads("refused", "unknown");
        double tooBig = uploads("refused", "photo");
        double accepted = uploads("accepted", "photo") + uploads("accepted", "unknown");
        double failed = uploads("failed", "unknown") + uploads("failed", "photo");

        byte[] text = "just some text, certainly not a photo\n".repeat(20).getBytes();
        upload(ALICE, Multipart.file("photo.jpg", text, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        upload(ALICE, Multipart.file("huge.png", TestFiles.pngHeaderClaiming(50_000, 50_000), "image/png"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);

        assertThat(uploads("refused", "unknown")).as("415: never known as a photo").isEqualTo(notAPicture + 1);
        assertThat(uploads("refused", "photo")).as("422: a photo with too many pixels").isEqualTo(tooBig + 1);
        assertThat(uploads("accepted", "photo") + uploads("accepted", "unknown")).isEqualTo(accepted);
        assertThat(uploads("failed", "unknown") + uploads("failed", "photo")).isEqualTo(failed);
    }

    @Test
    void aJobNoQueueTakesIsReturnedAndSpooledThenConfirmedByTheDrainer() {
        Binding visionBinding = BindingBuilder.bind(new Queue(WorkerKind.VISION.queue()))
                .to(new TopicExchange(Topology.TASKS_EXCHANGE)).with(WorkerKind.VISION.routingKey());
        double returned = publishes("returned");
        double spooled = publishes("spooled");
        double failed = publishes("failed");
        amqpAdmin.removeBinding(visionBinding);
        try {
            Multipart multipart = Multipart.file("nowhere.jpg", TestFiles.image("jpg", 120, 80), "image/jpeg")
                    .field("operations", "thumbnail,depth");
            upload(ALICE, multipart).expectStatus().isEqualTo(HttpStatus.ACCEPTED);
            assertThat(publishes("spooled")).isEqualTo(spooled + 1);
            assertThat(publishes("returned")).isGreaterThanOrEqualTo(returned + 1);
            assertThat(meters.get("mediaflow.spool.jobs").gauge().value()).isGreaterThanOrEqualTo(1);
        } finally {
            amqpAdmin.declareBinding(visionBinding);
        }
        double confirmed = publishes("confirmed");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(meters.get("mediaflow.spool.jobs").gauge().value()).isZero();
            assertThat(publishes("confirmed")).isGreaterThan(confirmed);
        });
        assertThat(publishes("spooled")).as("only the upload's own attempt spools").isEqualTo(spooled + 1);
        assertThat(publishes("failed")).as("the broker was there all along").isEqualTo(failed);
    }

    @Test
    void theStorageRootsFileSystemIsMeasured() {
        double free = meters.get("mediaflow.storage.free").gauge().value();
        double total = meters.get("mediaflow.storage.total").gauge().value();
        assertThat(free).isPositive();
        assertThat(total).isGreaterThanOrEqualTo(free);
        assertThat(total).isEqualTo(STORAGE.toFile().getTotalSpace());
    }

    private double uploads(String outcome, String mediaType) {
        return meters.get("mediaflow.uploads").tags("outcome", outcome, "media_type", mediaType).counter().count();
    }

    private double publishes(String outcome) {
        return meters.get("mediaflow.publish").tag("outcome", outcome).counter().count();
    }
}
