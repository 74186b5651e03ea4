package dev.mediaflow.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorCodesTest {

    @Test
    void knownStatusesHaveTheirCodeAndUnknownOnesAClassCode() {
        assertThat(ErrorCodes.forStatus(404)).isEqualTo("not_found");
        assertThat(ErrorCodes.forStatus(413)).isEqualTo("payload_too_large");
        assertThat(ErrorCodes.forStatus(499)).isEqualTo("client_error");
        assertThat(ErrorCodes.forStatus(599)).isEqualTo("server_error");
    }
}
