package dev.mediaflow.gateway.upload;

public record ReceivedUpload(ReceivedFile file, UploadOptions options) {
}
