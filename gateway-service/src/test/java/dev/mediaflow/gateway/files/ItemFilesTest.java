package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.storage.StorageRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Removing one item's files on a real file system: what is counted, and what is never touched. */
class ItemFilesTest {

    @TempDir
    Path root;

    @Test
    void theOriginalAndEveryResultGoAndTheCountsAreWhatWasOnDisk() throws IOException {
        UUID id = UUID.randomUUID();
        write("uploads/alice/" + id + ".jpg", 1000);
        write("processed/alice/" + id + "/thumbnail.webp", 100);
        write("processed/alice/" + id + "/depth.png", 50);
        UUID other = UUID.randomUUID();
        write("uploads/alice/" + other + ".jpg", 7);
        write("processed/alice/" + other + "/thumbnail.webp", 7);
        write("uploads/bob/" + id + ".jpg", 7);

        ItemFiles.Removal removal = files().remove("alice", id);

        assertThat(removal.files()).isEqualTo(3);
        assertThat(removal.freedBytes()).isEqualTo(1150);
        assertThat(root.resolve("uploads/alice/" + id + ".jpg")).doesNotExist();
        assertThat(root.resolve("processed/alice/" + id)).doesNotExist();
        assertThat(root.resolve("uploads/alice/" + other + ".jpg")).exists();
        assertThat(root.resolve("processed/alice/" + other + "/thumbnail.webp")).exists();
        assertThat(root.resolve("uploads/bob/" + id + ".jpg")).as("another owner's file of the same id").exists();
        assertThat(files().remove("alice", id)).as("again: nothing left").isEqualTo(ItemFiles.Removal.NONE);
    }

    @Test
    void aHardLinkedResultCountsAsAFileButFreesNothingAndALinkIsRemovedNotFollowed() throws IOException {
        UUID id = UUID.randomUUID();
        Path shared = write("processed/alice/" + UUID.randomUUID() + "/blur.webp", 500);
        Files.createDirectories(root.resolve("processed/alice/" + id));
        Files.createLink(root.resolve("processed/alice/" + id + "/blur.webp"), shared);
        Path outside = Files.createTempFile("mf-outside", ".bin");
        Files.write(outside, new byte[4096]);
        Files.createSymbolicLink(root.resolve("processed/alice/" + id + "/thumbnail.webp"), outside);

        ItemFiles.Removal removal = files().remove("alice", id);

        assertThat(removal.files()).isEqualTo(2);
        assertThat(removal.freedBytes()).as("the other name keeps the blur's bytes; the link's target is not ours")
                .isZero();
        assertThat(shared).exists().hasSize(500);
        assertThat(outside).exists().hasSize(4096);
    }

    @Test
    void anOwnerThatCannotBeAPathSegmentTouchesNothing() throws IOException {
        UUID id = UUID.randomUUID();
        Path victim = write("uploads/" + id + ".jpg", 10);
        assertThatThrownBy(() -> files().remove("..", id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> files().remove("a/b", id)).isInstanceOf(IllegalArgumentException.class);
        assertThat(victim).exists();
    }

    private ItemFiles files() {
        GatewayProperties properties = new Binder(new MapConfigurationPropertySource(
                Map.of("mediaflow.storage-root", root.toString())))
                .bindOrCreate("mediaflow", Bindable.of(GatewayProperties.class));
        return new ItemFiles(new StorageRoot(properties));
    }

    private Path write(String relative, int bytes) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[bytes]);
        return file;
    }
}
