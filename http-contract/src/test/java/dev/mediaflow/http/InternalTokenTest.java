package dev.mediaflow.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InternalTokenTest {

    @TempDir
    Path dir;

    @Test
    void aConfiguredTokenWinsAndAShortOneIsRefused() {
        assertThat(InternalToken.resolve(" 0123456789abcdef0123456789abcdef ", dir.resolve("t")))
                .isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(dir.resolve("t")).doesNotExist();
        assertThatThrownBy(() -> InternalToken.resolve("short", dir.resolve("t")))
                .hasMessageContaining("at least 32");
    }

    @Test
    void withoutOneTheFileIsCreatedOnceAndThenShared() throws Exception {
        Path file = dir.resolve("data/internal-token");
        String first = InternalToken.resolve(null, file);
        assertThat(first).hasSize(64);
        assertThat(InternalToken.resolve("", file)).isEqualTo(first);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing).containsExactly(file);
        }
    }
}
