package dev.mediaflow.worker.media;

import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * FFmpeg's interrupt callback bound to a {@link DecodeDeadline}: FFmpeg asks it during every blocking read and
 * between packets, and gives up with AVERROR_EXIT once the deadline has passed. One native callback serves
 * every decode (JavaCPP callbacks are a scarce native resource); each registration gets an id in {@code opaque}.
 */
public final class FfmpegInterrupt implements AutoCloseable {

    private static final Map<Long, DecodeDeadline> DEADLINES = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static final AVIOInterruptCB.Callback_Pointer CALLBACK = new AVIOInterruptCB.Callback_Pointer() {
        @Override
        public int call(Pointer opaque) {
            if (opaque == null || opaque.isNull()) {
                return 0;
            }
            DecodeDeadline deadline = DEADLINES.get(new LongPointer(opaque).get());
            return deadline != null && deadline.passed() ? 1 : 0;
        }
    };

    private final long id = IDS.incrementAndGet();
    private final LongPointer opaque = new LongPointer(1);

    private FfmpegInterrupt(DecodeDeadline deadline) {
        opaque.put(id);
        DEADLINES.put(id, deadline);
    }

    /** Installs the deadline on {@code context}; close it after the context is closed. */
    public static FfmpegInterrupt install(AVFormatContext context, DecodeDeadline deadline) {
        FfmpegInterrupt interrupt = new FfmpegInterrupt(deadline);
        context.interrupt_callback().callback(CALLBACK);
        context.interrupt_callback().opaque(interrupt.opaque);
        return interrupt;
    }

    @Override
    public void close() {
        DEADLINES.remove(id);
        opaque.close();
    }
}
