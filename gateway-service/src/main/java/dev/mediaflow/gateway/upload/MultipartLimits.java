package dev.mediaflow.gateway.upload;

import org.springframework.boot.webflux.autoconfigure.ReactiveMultipartProperties;

/**
 * What one upload's multipart body may hold besides the file, from the same {@code spring.webflux.multipart.*}
 * settings (and {@code MEDIAFLOW_MAX_*} variables) that configured Spring's own parser before the upload route got
 * its own ({@link MultipartUploadReader}), so a deployment's limits keep their meaning.
 *
 * @param maxParts           parts in one upload, the file included ({@code MEDIAFLOW_MAX_MULTIPART_PARTS})
 * @param maxPartHeaderBytes the headers of one part ({@code MEDIAFLOW_MAX_PART_HEADER_BYTES})
 * @param maxFieldBytes      the value of one form field ({@code MEDIAFLOW_MAX_FORM_FIELD_BYTES})
 */
public record MultipartLimits(int maxParts, int maxPartHeaderBytes, int maxFieldBytes) {

    public static MultipartLimits from(ReactiveMultipartProperties properties) {
        return new MultipartLimits(properties.getMaxParts() == null ? -1 : properties.getMaxParts(),
                (int) properties.getMaxHeadersSize().toBytes(), (int) properties.getMaxInMemorySize().toBytes());
    }
}
