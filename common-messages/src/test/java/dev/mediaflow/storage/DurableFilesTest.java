package dev.mediaflow.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurableFilesTest {

    @TempDir
    Path dir;

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("sub/thumbnail.webp");
        assertThat(DurableFiles.write(target, "one".getBytes())).isEqualTo(3);
        assertThat(DurableFiles.write(target, "second".getBytes())).isEqualTo(6);
        assertThat(target).hasContent("second");
        assertThat(names(target.getParent())).containsExactly("thumbnail.webp");
    }

    @Test
    void aFailedWriteThrowsAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("taken");
        Files.createDirectories(target.resolve("not-empty"));
        // a non-empty directory cannot be replaced by a file
        assertThatThrownBy(() -> DurableFiles.write(target, "x".getBytes())).isInstanceOf(IOException.class);
        assertThat(names(dir)).containsExactly("taken");
    }

    @Test
    void moveIntoPlaceReplacesOnlyWhenAsked() throws IOException {
        Path source = Files.writeString(dir.resolve("upload.part"), "bytes");
        Path target = dir.resolve("uploads/alice/item.jpg");
        DurableFiles.moveIntoPlace(source, target, false);
        assertThat(target).hasContent("bytes");
        assertThat(source).doesNotExist();

        Path again = Files.writeString(dir.resolve("again.part"), "other");
        assertThatThrownBy(() -> DurableFiles.moveIntoPlace(again, target, false)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(target).hasContent("bytes");
        DurableFiles.moveIntoPlace(again, target, true);
        assertThat(target).hasContent("other");
        assertThatThrownBy(() -> DurableFiles.moveIntoPlace(dir.resolve("missing"), target, true))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void writeStagedReplacesAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("staging/blur.webp");
        assertThat(DurableFiles.writeStaged(target, "one".getBytes())).isEqualTo(3);
        assertThat(DurableFiles.writeStaged(target, "two!".getBytes())).isEqualTo(4);
        assertThat(target).hasContent("two!");
        assertThat(names(target.getParent())).containsExactly("blur.webp");
    }

    @Test
    void writeWithoutSyncReplacesAtomicallyAndSyncLaterNeedsTheFile() throws IOException {
        Path target = dir.resolve("spool/job.json");
        assertThat(DurableFiles.writeWithoutSync(target, "one".getBytes())).isEqualTo(3);
        assertThat(DurableFiles.writeWithoutSync(target, "three".getBytes())).isEqualTo(5);
        DurableFiles.sync(target);
        assertThat(target).hasContent("three");
        assertThat(names(target.getParent())).containsExactly("job.json");
        assertThatThrownBy(() -> DurableFiles.sync(dir.resolve("spool/gone.json"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void writeWithoutSyncMakesAMissingDirectoryAndAFailedOneLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("published/deeper/job.json");
        assertThat(DurableFiles.writeWithoutSync(target, "one".getBytes())).isEqualTo(3);
        assertThat(target).hasContent("one");

        Path taken = dir.resolve("published/taken");
        Files.createDirectories(taken.resolve("not-empty"));
        assertThatThrownBy(() -> DurableFiles.writeWithoutSync(taken, "x".getBytes())).isInstanceOf(IOException.class);
        assertThat(names(dir.resolve("published"))).containsExactlyInAnyOrder("deeper", "taken");
    }

    @Test
    void aFailedStagedWriteThrowsAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("taken");
        Files.createDirectories(target.resolve("not-empty"));
        assertThatThrownBy(() -> DurableFiles.writeStaged(target, "x".getBytes())).isInstanceOf(IOException.class);
        assertThat(names(dir)).containsExactly("taken");
    }

    @Test
    void moveAllIntoPlaceMovesEveryFileAndReplacesOlderOnes() throws IOException {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path out = dir.resolve("processed/alice/item");
        Files.createDirectories(out);
        Files.writeString(out.resolve("thumbnail.webp"), "old");
        Path thumb = Files.writeString(staging.resolve("thumbnail.webp"), "new thumb");
        Path blur = Files.writeString(staging.resolve("blur.webp"), "new blur");

        DurableFiles.moveAllIntoPlace(java.util.List.of(thumb, blur), out);

        assertThat(out.resolve("thumbnail.webp")).hasContent("new thumb");
        assertThat(out.resolve("blur.webp")).hasContent("new blur");
        assertThat(names(staging)).isEmpty();
    }

    @Test
    void moveAllIntoPlaceFailsOnAMissingFileBeforeMovingAny() throws IOException {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path thumb = Files.writeString(staging.resolve("thumbnail.webp"), "thumb");
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> DurableFiles.moveAllIntoPlace(java.util.List.of(thumb, staging.resolve("gone")), out))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(names(staging)).containsExactly("thumbnail.webp");
        assertThat(names(out)).isEmpty();
    }

    private static java.util.List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
