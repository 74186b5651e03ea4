package dev.mediaflow.gateway.auth;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad {@code MEDIAFLOW_API_KEYS} into a short start-up report instead of a bean-creation stack trace. */
public class InvalidApiKeysFailureAnalyzer extends AbstractFailureAnalyzer<InvalidApiKeysException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidApiKeysException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Set MEDIAFLOW_API_KEYS to owner:role:key triples separated by commas (role user or admin, "
                        + "keys of at least 8 characters), or MEDIAFLOW_API_KEYS_FILE to a file of "
                        + "owner:role:sha256-hex lines, or unset both to use the development keys.", cause);
    }
}
