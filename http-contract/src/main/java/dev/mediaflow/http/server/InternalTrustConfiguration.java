package dev.mediaflow.http.server;

import dev.mediaflow.http.InternalSignature;
import dev.mediaflow.http.InternalToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * The shared secret as an {@link InternalSignature}. Imported by the gateway (to sign) and, with
 * {@link InternalTrustFilterConfiguration}, by every internal service (to check).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InternalTrustSettings.class)
public class InternalTrustConfiguration {

    private static final Logger log = LoggerFactory.getLogger(InternalTrustConfiguration.class);

    @Bean
    public InternalSignature internalSignature(InternalTrustSettings settings) {
        boolean configured = settings.internalToken() != null && !settings.internalToken().isBlank();
        String token = InternalToken.resolve(settings.internalToken(), settings.internalTokenFile());
        if (!configured) {
            log.info("MEDIAFLOW_INTERNAL_TOKEN is not set: using the token in {} (every service on this machine "
                    + "started from the same directory shares it)", settings.internalTokenFile().toAbsolutePath());
        }
        return new InternalSignature(token, settings.internalTokenMaxAge(), Clock.systemUTC());
    }
}
