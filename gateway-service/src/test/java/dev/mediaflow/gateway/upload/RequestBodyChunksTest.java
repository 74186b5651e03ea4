package dev.mediaflow.gateway.upload;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/** The larger body chunks change the decoder's chunk size and nothing else of it, and come from the pooled allocator. */
class RequestBodyChunksTest {

    @Test
    void theChunkSizeGrowsAndEveryOtherDecoderSettingStays() {
        HttpServer configured = HttpServer.create().httpRequestDecoder(spec -> spec.maxHeaderSize(16_384)
                .maxInitialLineLength(5_000).validateHeaders(false).initialBufferSize(256)
                .allowDuplicateContentLengths(true).h2cMaxContentLength(1_000).allowPartialChunks(false));

        HttpRequestDecoderSpec decoder = RequestBodyChunks.withLargerChunks(configured).configuration().decoder();

        assertThat(decoder.maxChunkSize()).isEqualTo(RequestBodyChunks.MAX_CHUNK_BYTES);
        assertThat(decoder.maxHeaderSize()).isEqualTo(16_384);
        assertThat(decoder.maxInitialLineLength()).isEqualTo(5_000);
        assertThat(decoder.validateHeaders()).isFalse();
        assertThat(decoder.initialBufferSize()).isEqualTo(256);
        assertThat(decoder.allowDuplicateContentLengths()).isTrue();
        assertThat(decoder.h2cMaxContentLength()).isEqualTo(1_000);
        assertThat(decoder.allowPartialChunks()).isFalse();
    }

    @Test
    void theReadsComeFromNettysPooledAllocatorNotTheAdaptiveOne() {
        HttpServer server = RequestBodyChunks.withLargerChunks(HttpServer.create());

        assertThat(server.configuration().childOptions().get(ChannelOption.ALLOCATOR))
                .isSameAs(PooledByteBufAllocator.DEFAULT);
    }
}
