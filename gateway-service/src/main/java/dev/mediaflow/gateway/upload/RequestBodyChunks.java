package dev.mediaflow.gateway.upload;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;

/**
 * Lets a request body arrive in chunks of up to {@value #MAX_CHUNK_BYTES} bytes, as the socket delivers them, instead
 * of Netty's default 8 KiB. Every chunk of a body costs a trip through the reactive chain, where automatic context
 * propagation restores every thread local at each operator that writes the context, per chunk and per request for
 * the next; at 8 KiB that was a fifth of the gateway's CPU for a large upload (docs/performance.md, section 2).
 * Netty hands on slices of what it read, so a larger limit copies nothing more and holds no more than one read.
 *
 * <p>It keeps every other setting of the decoder (Boot's {@code server.max-http-request-header-size} among them):
 * Reactor Netty's {@code httpRequestDecoder} starts from a new spec, so this copies the current one, and it runs
 * after Boot's own customizer ({@link Ordered#LOWEST_PRECEDENCE}), which would otherwise start from a new one again.
 * Boot's {@code server.netty.max-chunk-size} was removed (it is deprecated for removal in Reactor Netty).
 *
 * <p>The reads come from Netty's classic pooled allocator, as the file's chunks do ({@link UploadParts#POOLED_CHUNKS}):
 * the default one (Netty 4.2's adaptive allocator) pools no buffer over 16.5 KiB under a heap of 512 MiB or less, so
 * every read of a body was a new direct buffer, zeroed, its pages touched and freed again: 0.1 CPU s per GiB on the
 * event loop (docs/performance.md, section 2).
 */
@Component
class RequestBodyChunks implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

    static final int MAX_CHUNK_BYTES = 256 * 1024;

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addServerCustomizers(RequestBodyChunks::withLargerChunks);
    }

    static HttpServer withLargerChunks(HttpServer server) {
        HttpRequestDecoderSpec current = server.configuration().decoder();
        return server.httpRequestDecoder(spec -> spec
                .maxInitialLineLength(current.maxInitialLineLength())
                .maxHeaderSize(current.maxHeaderSize())
                .validateHeaders(current.validateHeaders())
                .initialBufferSize(current.initialBufferSize())
                .allowDuplicateContentLengths(current.allowDuplicateContentLengths())
                .h2cMaxContentLength(current.h2cMaxContentLength())
                .allowPartialChunks(current.allowPartialChunks())
                .maxChunkSize(Math.max(current.maxChunkSize(), MAX_CHUNK_BYTES)))
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_CHUNK_BYTES))
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
