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

    private static java.util.List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
