package dev.mediaflow.imageworker.variants;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Generates test media at test time (only JavaCV/OpenCV and the JDK). Photos are a deterministic textured
 * pattern with a pure red block in the top-left corner (a tenth of each side), so orientation can be checked.
 */
public final class TestMedia {

    /** The red corner block, BGR. */
    public static final Scalar MARKER = new Scalar(0, 0, 255, 0);

    private TestMedia() {
    }

    /** A textured BGR picture of the given stored size with the red marker top-left. */
    public static Mat picture(int width, int height) {
        int smallW = Math.max(1, width / 8);
        int smallH = Math.max(1, height / 8);
        byte[] noise = new byte[smallW * smallH * 3];
        new Random(42).nextBytes(noise);
        Mat small = new Mat(smallH, smallW, CV_8UC3);
        small.data().put(noise);
        Mat picture = new Mat();
        resize(small, picture, new Size(width, height), 0, 0, INTER_LINEAR);
        small.close();
        Mat corner = picture.apply(new Rect(0, 0, Math.max(1, width / 10), Math.max(1, height / 10)));
        corner.put(MARKER);
        corner.close();
        return picture;
    }

    public static byte[] encode(Mat image, String extension, int... params) {
        try (BytePointer out = new BytePointer(); IntPointer p = new IntPointer(params)) {
            if (!imencode(extension, image, out, p)) {
                throw new IllegalStateException("cannot encode " + extension);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    public static byte[] jpegBytes(int width, int height) {
        try (Mat picture = picture(width, height)) {
            return encode(picture, ".jpg", IMWRITE_JPEG_QUALITY, 90);
        }
    }

    public static Path jpeg(Path file, int width, int height) throws IOException {
        return Files.write(file, jpegBytes(width, height));
    }

    /** Any format OpenCV writes, chosen by the file's extension (".png", ".webp", ".bmp", ".tif", ".gif"). */
    public static Path image(Path file, Mat image) throws IOException {
        String name = file.getFileName().toString();
        return Files.write(file, encode(image, name.substring(name.lastIndexOf('.'))));
    }

    /** A JPEG of {@code width x height} stored pixels carrying EXIF orientation {@code orientation} (1..8). */
    public static Path exifJpeg(Path file, int width, int height, int orientation) throws IOException {
        return Files.write(file, withExifOrientation(jpegBytes(width, height), orientation));
    }

    /** Splices a minimal APP1 Exif segment (big-endian TIFF, IFD0 with only Orientation) right after SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        if ((jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG");
        }
        byte[] app1 = {
                (byte) 0xFF, (byte) 0xE1, 0, 34,            // APP1, length 34 (includes these 2 bytes)
                'E', 'x', 'i', 'f', 0, 0,
                'M', 'M', 0, 0x2A, 0, 0, 0, 8,              // TIFF header, IFD0 at offset 8
                0, 1,                                       // one entry
                0x01, 0x12, 0, 3, 0, 0, 0, 1,               // tag 0x0112 Orientation, SHORT, count 1
                0, (byte) orientation, 0, 0,                // value, padded
                0, 0, 0, 0};                                // no next IFD
        byte[] out = new byte[jpeg.length + app1.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(app1, 0, out, 2, app1.length);
        System.arraycopy(jpeg, 2, out, 2 + app1.length, jpeg.length - 2);
        return out;
    }

    /** A JPEG whose markers are intact for the first 600 bytes, followed by random bytes. */
    public static Path corruptJpeg(Path file) throws IOException {
        byte[] good = jpegBytes(640, 480);
        byte[] bad = Arrays.copyOf(good, 4600);
        byte[] garbage = new byte[4000];
        new Random(7).nextBytes(garbage);
        System.arraycopy(garbage, 0, bad, 600, garbage.length);
        return Files.write(file, bad);
    }

    /** The first {@code keep} fraction of a file's bytes. */
    public static Path truncated(Path source, Path file, double keep) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        return Files.write(file, Arrays.copyOf(bytes, (int) (bytes.length * keep)));
    }

    /** Gray level written into frame {@code index} of {@link #grayLevelMp4}: 10, 18, 26, ... (at most 30 frames). */
    public static int grayLevel(int index) {
        return 10 + 8 * index;
    }

    /** The H.264 encoder of the bundled FFmpeg (libopenh264), else MPEG-4 Part 2. */
    public static String videoEncoder() {
        AVCodec h264 = avcodec.avcodec_find_encoder_by_name("libopenh264");
        return h264 != null && !h264.isNull() ? "libopenh264" : "mpeg4";
    }

    /**
     * An MP4 of {@code frames} uniform gray frames (frame i has {@link #grayLevel(int)}), 160x120 at
     * {@code fps}, with a red marker block top-left; {@code displayRotation} is passed to
     * FFmpegFrameRecorder.setDisplayRotation (0 for none).
     */
    public static Path grayLevelMp4(Path file, int frames, int fps, double displayRotation) throws IOException {
        if (frames > 30) {
            throw new IllegalArgumentException("at most 30 distinct gray levels");
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 160, 120, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodecName(videoEncoder());
            recorder.setFrameRate(fps);
            recorder.setGopSize(fps);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setVideoBitrate(2_000_000);
            if (displayRotation != 0) {
                recorder.setDisplayRotation(displayRotation);
            }
            recorder.start();
            for (int i = 0; i < frames; i++) {
                int level = grayLevel(i);
                try (Mat frame = new Mat(120, 160, CV_8UC3, new Scalar(level, level, level, 0))) {
                    if (displayRotation != 0) {
                        Mat corner = frame.apply(new Rect(0, 0, 32, 24));
                        corner.put(MARKER);
                        corner.close();
                    }
                    recorder.record(converter.convert(frame));
                }
            }
            recorder.stop();
        }
        return file;
    }
}
