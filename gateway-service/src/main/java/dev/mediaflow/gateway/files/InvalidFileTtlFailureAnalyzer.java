package dev.mediaflow.gateway.files;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad {@code MEDIAFLOW_FILE_TTL} into a short start-up report instead of a binding stack trace. */
public class InvalidFileTtlFailureAnalyzer extends AbstractFailureAnalyzer<InvalidFileTtlException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidFileTtlException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Set MEDIAFLOW_FILE_TTL to how long files are kept after their last job ended, e.g. 30d, 12h or "
                        + "90m, or unset it to keep files forever.", cause);
    }
}
