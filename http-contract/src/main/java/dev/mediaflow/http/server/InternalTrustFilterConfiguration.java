package dev.mediaflow.http.server;

import dev.mediaflow.http.InternalSignature;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** What an internal service imports: every request outside the open paths needs the gateway's credential. */
@Configuration(proxyBeanMethods = false)
@Import(InternalTrustConfiguration.class)
public class InternalTrustFilterConfiguration {

    @Bean
    public InternalTrustFilter internalTrustFilter(InternalSignature signature) {
        return new InternalTrustFilter(signature);
    }
}
