package dev.mediaflow.system;

import tools.jackson.databind.JsonNode;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Pausing every worker of the stack, so that a test's jobs stay queued until it resumes them. */
final class Workers {

    private Workers() {
    }

    /** Returns once every worker says it is paused; resume with {@link #resume} in a finally. */
    static void pause(ApiClient admin) throws Exception {
        assertThat(admin.post("/api/queue/worker/stop").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode workers = admin.get("/api/queue/worker/status").json().get("workers");
            return workers.size() >= 2 && workers.valueStream().allMatch(w -> w.get("state").asString().equals("paused"));
        });
    }

    static void resume(ApiClient admin) throws Exception {
        assertThat(admin.post("/api/queue/worker/start").status()).isEqualTo(200);
    }
}
