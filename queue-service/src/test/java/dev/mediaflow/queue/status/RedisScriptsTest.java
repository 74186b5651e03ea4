package dev.mediaflow.queue.status;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisScriptsTest {

    @Test
    void aScriptIsTheFilesTextWithItsSha1() throws Exception {
        RedisScript<Long> script = RedisScripts.fromClasspath("redis/write-job-snapshot.lua", Long.class);
        String text = new ClassPathResource("redis/write-job-snapshot.lua").getContentAsString(StandardCharsets.UTF_8);

        assertThat(script.getScriptAsString()).isEqualTo(text).isNotBlank();
        assertThat(script.getSha1()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8))));
        assertThat(script.getResultType()).isEqualTo(Long.class);
    }

    @Test
    void aMissingScriptFailsNamingItsPath() {
        assertThatThrownBy(() -> RedisScripts.fromClasspath("redis/no-such-script.lua", Long.class))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("redis/no-such-script.lua");
    }
}
