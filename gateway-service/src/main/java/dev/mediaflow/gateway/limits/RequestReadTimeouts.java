package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.config.GatewayProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpServer;

import java.time.Duration;

/**
 * The backstop behind {@link UploadBodyLimit} for every request body, not only uploads: Reactor
 * Netty closes the connection of a request whose body has not fully arrived
 * {@code MEDIAFLOW_UPLOAD_TIME_LIMIT} (plus a grace of {@value #GRACE_SECONDS} s, so that an upload
 * gets its own 408 first) after its headers. A slow client can thus hold a connection only so long.
 */
@Component
class RequestReadTimeouts implements NettyServerCustomizer {

    static final long GRACE_SECONDS = 30;

    private final Duration limit;

    RequestReadTimeouts(GatewayProperties properties) {
        this.limit = properties.uploadTimeLimit().plusSeconds(GRACE_SECONDS);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.requestTimeout(limit);
    }
}
