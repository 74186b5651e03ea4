package dev.mediaflow.worker.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class StagingSweeperTest {

    @TempDir
    Path storage;

    @Test
    void removesOnlyAttemptFoldersLeftLongAgo() throws Exception {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        Path killed = Files.createDirectories(storage.resolve("staging/image/job.r1.a1.dead"));
        Path temp = Files.writeString(killed.resolve("thumbnail.webp.1234.tmp"), "half");
        old(temp, now.minus(Duration.ofHours(2)));
        old(killed, now.minus(Duration.ofHours(2)));
        Path running = Files.createDirectories(storage.resolve("staging/vision/job.r1.a1.live"));
        Path fresh = Files.writeString(running.resolve("depth.png.99.tmp"), "writing");
        old(running, now.minus(Duration.ofHours(2)));
        old(fresh, now.minus(Duration.ofMinutes(5)));
        Path finished = Files.writeString(Files.createDirectories(storage.resolve("processed/alice/item")).resolve("blur.webp"), "done");
        old(finished, now.minus(Duration.ofDays(30)));

        StagingSweeper sweeper = new StagingSweeper(storage, Duration.ofHours(1), Clock.fixed(now, java.time.ZoneOffset.UTC));
        assertThat(sweeper.sweep()).isEqualTo(1);
        assertThat(killed).doesNotExist();
        assertThat(fresh).as("an attempt that wrote a file five minutes ago is still running").exists();
        assertThat(finished).as("results are never swept").exists();
        assertThat(sweeper.sweep()).isZero();
    }

    @Test
    void noStagingFolderIsNothingToDo() {
        assertThat(new StagingSweeper(storage, Duration.ofHours(1), Clock.systemUTC()).sweep()).isZero();
    }

    private static void old(Path p, Instant when) throws Exception {
        Files.setLastModifiedTime(p, FileTime.from(when));
    }
}
