package dev.mediaflow.gateway.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, section 6: a key never appears in a log line, right or wrong, with security and project logging at
 * their most verbose, also when a key configuration is refused.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeysNeverLoggedTest extends SecuredGatewayTest {

    private static final String WRONG_KEY = "wrong-key-never-logged-7f3a9c";

    @Test
    void neitherAValidNorAWrongKeyIsLogged(CapturedOutput output) {
        client.get().uri("/api/queue/items").header("X-API-Key", ALICE).exchange().expectStatus().isOk();
        client.post().uri("/api/queue/worker/stop").header("X-API-Key", BOB).exchange().expectStatus().isForbidden();
        client.get().uri("/api/queue/items").header("X-API-Key", WRONG_KEY).exchange().expectStatus().isUnauthorized();
        client.post().uri("/api/queue/cancel").header("X-API-Key", WRONG_KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange().expectStatus().isUnauthorized();
        client.get().uri("/api/ai/info").header("X-API-Key", ADMIN).exchange().expectStatus().isOk();

        assertThat(output.getAll()).as("the captured log is not empty, so the check means something")
                .contains("/api/queue/items");
        assertThat(output.getAll()).doesNotContain(ALICE).doesNotContain(BOB).doesNotContain(ADMIN)
                .doesNotContain(WRONG_KEY).doesNotContain(TOKEN);
    }

    @Test
    void aRefusedKeyConfigurationNamesTheEntryButNotTheKey(CapturedOutput output) {
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> new dev.mediaflow.gateway.auth
                .ApiKeyRegistry.Builder().addPlain("carol:user:carols-secret-key,dave:root:daves-secret-key"));
        assertThat(refused).hasMessageContaining("entry 2");
        org.slf4j.LoggerFactory.getLogger(ApiKeysNeverLoggedTest.class).error("start-up would fail", refused);
        assertThat(output.getAll()).contains("entry 2").doesNotContain("carols-secret-key")
                .doesNotContain("daves-secret-key");
    }
}
