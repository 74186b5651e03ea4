package dev.mediaflow.gateway.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mediaflow.gateway.publish.DispatchStatus;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;

import java.util.List;
import java.util.UUID;

/**
 * The 202 body of docs/api.md, key for key. {@code duplicateOf} is there only for an upload that
 * reused the results of an earlier media item (its {@code status} is then {@code completed}).
 */
public record UploadResponse(
        boolean success,
        String message,
        UUID mediaItemId,
        UUID queueId,
        String filename,
        long size,
        MediaType type,
        int priority,
        String sha256,
        List<Operation> operations,
        DispatchStatus status,
        @JsonInclude(JsonInclude.Include.NON_NULL) UUID duplicateOf) {
}
