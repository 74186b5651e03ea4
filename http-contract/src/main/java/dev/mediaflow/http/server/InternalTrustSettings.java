package dev.mediaflow.http.server;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The internal credential's settings, shared by the gateway (which signs) and the internal services (which
 * check); bound from {@code MEDIAFLOW_INTERNAL_TOKEN}, {@code MEDIAFLOW_INTERNAL_TOKEN_FILE} and
 * {@code MEDIAFLOW_INTERNAL_TOKEN_MAX_AGE}.
 *
 * @param internalToken       the shared secret; blank: the token file
 * @param internalTokenFile   read (or created with a random token) when no secret is set
 * @param internalTokenMaxAge how long a signed call stays valid
 */
@ConfigurationProperties("mediaflow")
public record InternalTrustSettings(
        String internalToken,
        @DefaultValue("data/internal-token") Path internalTokenFile,
        @DefaultValue("60s") Duration internalTokenMaxAge) {
}
