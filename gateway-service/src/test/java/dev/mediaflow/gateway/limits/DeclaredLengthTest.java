package dev.mediaflow.gateway.limits;

import dev.mediaflow.http.ApiException;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class DeclaredLengthTest {

    private static Flux<DataBuffer> body(int... chunks) {
        return Flux.fromArray(java.util.Arrays.stream(chunks).boxed().toArray(Integer[]::new))
                .map(size -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[size]));
    }

    @Test
    void aBodyOfItsDeclaredLengthPassesUntouched() {
        StepVerifier.create(DeclaredLength.required(body(8192, 8192, 100), 16_484))
                .expectNextCount(3)
                .verifyComplete();
    }

    @Test
    void aBodyThatEndsShortOfItsContentLengthFailsInsteadOfEnding() {
        // the chaos run's case: one 8 KiB piece of the middle gone, the rest whole
        StepVerifier.create(DeclaredLength.required(body(8192, 100), 16_484))
                .expectNextCount(2)
                .verifyErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(ApiException.class);
                    ApiException error = (ApiException) e;
                    assertThat(error.status()).isEqualTo(500);
                    assertThat(error.getMessage()).contains("8292 of its 16484 bytes");
                });
    }

    @Test
    void aBodyLongerThanDeclaredFailsToo() {
        StepVerifier.create(DeclaredLength.required(body(200), 100)).expectNextCount(1).verifyError(ApiException.class);
    }

    @Test
    void aChunkedBodyWithoutContentLengthIsNotChecked() {
        StepVerifier.create(DeclaredLength.required(body(10, 20), -1)).expectNextCount(2).verifyComplete();
    }
}
