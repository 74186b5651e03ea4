package dev.mediaflow.imageworker.variants;

import dev.mediaflow.testsupport.media.HeifFiles;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.file.Path;

/**
 * HEIC and AVIF files of OpenCV pictures, made at test time by real encoders: {@link HeifFiles} (heif-enc,
 * shared with the gateway's and the system tests) for HEVC, FFmpeg's avif muxer with libaom-av1 through JavaCV
 * for AVIF, so the worker is also checked against the AVIF that FFmpeg itself writes.
 */
final class HeifFixtures {

    private HeifFixtures() {
    }

    static Path heic(Path file, Mat picture) throws IOException {
        return HeifFiles.heic(file, png(file, picture));
    }

    /** See {@link HeifFiles#transformed}. */
    static Path transformed(Path file, Mat picture, int anticlockwiseQuarters, int mirrorAxis) throws IOException {
        return HeifFiles.transformed(file, png(file, picture), anticlockwiseQuarters, mirrorAxis);
    }

    /** See {@link HeifFiles#hdr}: {@code picture16} is a 16-bit picture. */
    static Path hdr(Path file, Mat picture16) throws IOException {
        return HeifFiles.hdr(file, png(file, picture16));
    }

    /** See {@link HeifFiles#grid}. */
    static Path grid(Path file, Mat picture, int tile) throws IOException {
        return HeifFiles.grid(file, png(file, picture), tile);
    }

    /** An AVIF written by FFmpeg's avif muxer with libaom-av1 (4:2:0, 8-bit). */
    static Path avif(Path file, Mat picture) throws IOException {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), picture.cols(), picture.rows(), 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat("avif");
            recorder.setVideoCodecName("libaom-av1");
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setVideoOption("crf", "30");
            recorder.setVideoOption("cpu-used", "8");
            recorder.setVideoOption("still-picture", "1");
            recorder.setFrameRate(1);
            recorder.start();
            recorder.record(converter.convert(picture));
            recorder.stop();
        }
        return file;
    }

    private static Path png(Path file, Mat picture) throws IOException {
        return TestMedia.image(file.resolveSibling(file.getFileName() + ".png"), picture);
    }
}
