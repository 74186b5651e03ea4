package dev.mediaflow.gateway.compat;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.storage.StorageRoot;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** {@code GET /api/v1/vision/files/stats}: the caller's uploads and outputs on disk (everyone's for admin). */
@RestController
class FileStatsController {

    record FileStats(long files, long bytes, Instant oldest) {
    }

    private final StorageRoot storage;

    FileStatsController(StorageRoot storage) {
        this.storage = storage;
    }

    @GetMapping("/api/v1/vision/files/stats")
    Mono<FileStats> stats(@AuthenticationPrincipal Caller caller) {
        return Mono.fromCallable(() -> {
            List<Path> places = caller.isAdmin()
                    ? List.of(storage.uploads(), storage.processed())
                    : List.of(storage.uploads().resolve(caller.owner()), storage.processed().resolve(caller.owner()));
            long files = 0;
            long bytes = 0;
            Instant oldest = null;
            for (Path place : places) {
                if (!Files.isDirectory(place)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(place)) {
                    for (Path file : (Iterable<Path>) walk::iterator) {
                        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                        if (!attributes.isRegularFile()) {
                            continue;
                        }
                        files++;
                        bytes += attributes.size();
                        Instant modified = attributes.lastModifiedTime().toInstant();
                        oldest = oldest == null || modified.isBefore(oldest) ? modified : oldest;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the storage", e);
                }
            }
            return new FileStats(files, bytes, oldest);
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
