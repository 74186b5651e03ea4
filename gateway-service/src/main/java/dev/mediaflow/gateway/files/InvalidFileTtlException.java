package dev.mediaflow.gateway.files;

/** A {@code MEDIAFLOW_FILE_TTL} that is set but is no positive duration: the gateway refuses to start. */
public class InvalidFileTtlException extends IllegalArgumentException {

    public InvalidFileTtlException(String message) {
        super(message);
    }
}
