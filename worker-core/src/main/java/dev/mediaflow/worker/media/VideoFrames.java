package dev.mediaflow.worker.media;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.file.Path;

/**
 * Grabs single frames with FFmpeg. The frame comes back as 8-bit BGR with the stream's display rotation
 * applied; the caller owns (and should close) the returned Mat.
 */
public final class VideoFrames {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /** Most bytes and media time FFmpeg reads at start to learn the streams (its defaults: 5 MB, 5 s). */
    static final long PROBE_BYTES = 5_000_000;
    static final long PROBE_MICROS = 5_000_000;

    private VideoFrames() {
    }

    /**
     * The frame at 10% of the duration; the first frame when the duration is unknown or 10% of it falls
     * before the second frame, or when seeking there yields nothing.
     *
     * @throws UnreadableMediaException when FFmpeg cannot open the file or finds no video frame
     */
    public static Mat frameAt10Percent(Path video, DecodeLimits limits) {
        try (DecodeMemory.Scope scope = new DecodeMemory(limits).open()) {
            return frameAt10Percent(video, scope);
        }
    }

    /** The frame at 10%, its decode counted in {@code scope}. */
    public static Mat frameAt10Percent(Path video, DecodeMemory.Scope scope) {
        return grab(video, true, "video", scope);
    }

    /** The first frame of anything FFmpeg can read (also still images); used when OpenCV cannot decode a photo. */
    public static Mat firstFrame(Path file, DecodeMemory.Scope scope) {
        return grab(file, false, "image", scope);
    }

    public static long tenPercentTimestamp(long durationMicros, double frameRate) {
        if (durationMicros <= 0) {
            return 0;
        }
        long at = durationMicros / 10;
        double frameMicros = frameRate > 0 ? 1_000_000.0 / frameRate : 0;
        return at < frameMicros ? 0 : at;
    }

    private static Mat grab(Path file, boolean tenPercent, String what, DecodeMemory.Scope scope) {
        DecodeLimits limits = scope.limits();
        String name = String.valueOf(file.getFileName());
        DecodeDeadline deadline = new DecodeDeadline(what + " " + name, limits.timeout());
        FfmpegInterrupt interrupt = null;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            // bounds what start() reads and decodes to learn the streams
            grabber.setOption("probesize", String.valueOf(PROBE_BYTES));
            grabber.setOption("analyzeduration", String.valueOf(PROBE_MICROS));
            grabber.setVideoOption("max_pixels", String.valueOf(limits.maxPixelsPerFrame()));
            grabber.start();
            interrupt = FfmpegInterrupt.install(grabber.getFormatContext(), deadline);
            // the frame as decoded (YUV) and as converted to BGR, before any frame is decoded
            scope.reserve(what + " " + name, new PixelFootprint(grabber.getImageWidth(),
                    grabber.getImageHeight(), 3, 1, 2));
            Frame frame = null;
            long at = tenPercent ? tenPercentTimestamp(grabber.getLengthInTime(), grabber.getVideoFrameRate()) : 0;
            if (at > 0) {
                grabber.setTimestamp(at);
                frame = grabber.grabImage();
                if (frame == null) {
                    grabber.setTimestamp(0);
                }
            }
            if (frame == null) {
                frame = grabber.grabImage();
            }
            Mat converted = frame == null || frame.image == null ? null : converter.convert(frame);
            if (converted == null || converted.empty()) {
                throw new UnreadableMediaException("cannot decode " + what + " " + name + ": no video frame found");
            }
            // the converted Mat shares the grabber's buffer, which close() frees
            Mat bgr = Pixels.toBgr8(converted);
            Mat owned = bgr == converted ? converted.clone() : bgr;
            double clockwise = -grabber.getDisplayRotation();
            Mat rotated = Pixels.rotateClockwise(owned, clockwise);
            if (rotated != owned) {
                owned.close();
            }
            return rotated;
        } catch (FrameGrabber.Exception e) {
            if (deadline.passed()) {
                throw deadline.timedOut();
            }
            throw new UnreadableMediaException("cannot decode " + what + " " + name + ": "
                    + withoutPath(e.getMessage(), file), e);
        } finally {
            release(interrupt);
        }
    }

    private static void release(FfmpegInterrupt interrupt) {
        if (interrupt != null) {
            interrupt.close();
        }
    }

    private static String withoutPath(String message, Path file) {
        if (message == null) {
            return "FFmpeg error";
        }
        String name = String.valueOf(file.getFileName());
        return message.replace(file.toAbsolutePath().toString(), name).replace(file.toString(), name);
    }
}
