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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/v1/vision/files/stats}: the caller's originals ({@code uploads/<owner>}) and results
 * ({@code processed/<owner>}) as they are on disk now (everyone's for admin): how many files, how many bytes, and
 * the oldest modification time (null when there is none). A file with several hard links (a result shared with a
 * duplicate upload) is one file on disk and counts once; links are not followed, so a symbolic link counts
 * nothing; a file removed while the count runs (a cleanup, a promoted result) is skipped. Upload temp files,
 * the spool and the workers' staging folders are not the caller's files and are not counted.
 */
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
            Tally tally = new Tally();
            for (Path place : places) {
                if (Files.isDirectory(place)) {
                    try {
                        Files.walkFileTree(place, tally);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read the storage", e);
                    }
                }
            }
            return new FileStats(tally.seen.size(), tally.bytes, tally.oldest);
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Counts each regular file once by its file key (device and inode); a walk never follows links. */
    private static final class Tally extends SimpleFileVisitor<Path> {

        final Set<Object> seen = new HashSet<>();
        long bytes;
        Instant oldest;

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (!attributes.isRegularFile()) {
                return FileVisitResult.CONTINUE;
            }
            Object key = attributes.fileKey() != null ? attributes.fileKey() : file;
            if (seen.add(key)) {
                bytes += attributes.size();
                Instant modified = attributes.lastModifiedTime().toInstant();
                oldest = oldest == null || modified.isBefore(oldest) ? modified : oldest;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
            }
            return FileVisitResult.CONTINUE;
        }
    }
}
