package dev.mediaflow.gateway.storage;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A gateway crash leaves {@code tmp/*.part} files behind; the sweeper removes the old ones. */
class TempUploadSweeperTest extends GatewayIntegrationTest {

    @Autowired
    TempUploadSweeper sweeper;

    @Test
    void partFilesLeftByACrashAreRemovedButAnUploadInProgressIsNot() throws Exception {
        Path leftOver = STORAGE.resolve("tmp/upload-crashed.part");
        Path streaming = STORAGE.resolve("tmp/upload-streaming.part");
        Path other = STORAGE.resolve("tmp/notes.txt");
        Files.write(leftOver, new byte[1024]);
        Files.write(streaming, new byte[1024]);
        Files.write(other, new byte[1]);
        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        Files.setLastModifiedTime(leftOver, twoHoursAgo);
        Files.setLastModifiedTime(other, twoHoursAgo);

        assertThat(sweeper.sweepOnce()).isEqualTo(1);

        assertThat(leftOver).doesNotExist();
        assertThat(streaming).exists();
        assertThat(other).exists();
    }
}
