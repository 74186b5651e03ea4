package dev.mediaflow.gateway.upload;

import java.nio.file.Path;

/** The uploaded file, complete in a temporary file, with what was measured while it streamed in. */
public record ReceivedFile(Path tempFile, String clientFilename, long size, String sha256) {
}
