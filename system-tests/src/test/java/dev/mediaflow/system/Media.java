package dev.mediaflow.system;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Test media made at test time with OpenCV and FFmpeg, so nothing binary is checked in. */
final class Media {

    static {
        System.setProperty("org.bytedeco.javacpp.cachedir", Path.of("target", "javacpp-cache").toAbsolutePath().toString());
    }

    private Media() {
    }

    /** A photo-like JPEG: gradients, shapes and noise, so it compresses like a real one. */
    static Path jpeg(Path file, int width, int height) {
        write(file, picture(width, height, 42), ".jpg");
        return file;
    }

    /** A landscape JPEG whose EXIF orientation 6 says "rotate 90° clockwise to display": it shows as portrait. */
    static Path exifRotatedJpeg(Path file, int storedWidth, int storedHeight) throws IOException {
        jpeg(file, storedWidth, storedHeight);
        byte[] jpeg = Files.readAllBytes(file);
        byte[] app1 = {
                (byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,
                'M', 'M', 0, 0x2A, 0, 0, 0, 8,      // big-endian TIFF header, IFD0 at 8
                0, 1,                               // one entry
                0x01, 0x12, 0, 3, 0, 0, 0, 1,       // Orientation, SHORT, count 1
                0, 6, 0, 0,                         // value 6
                0, 0, 0, 0};                        // no next IFD
        byte[] out = new byte[jpeg.length + app1.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(app1, 0, out, 2, app1.length);
        System.arraycopy(jpeg, 2, out, 2 + app1.length, jpeg.length - 2);
        return Files.write(file, out);
    }

    static Path png(Path file, int width, int height) {
        write(file, picture(width, height, 7), ".png");
        return file;
    }

    /**
     * A JPEG the gateway can measure (its frame header says 64x48, and a scan follows) but no decoder can read:
     * the frame declares no components and no tables exist, and the scan is noise. (A file of noise after the
     * magic alone is refused by the gateway with 422, since its size cannot be read.)
     */
    static Path corruptJpeg(Path file) throws IOException {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = noise[i] == (byte) 0xFF ? 0x11 : noise[i];
        }
        byte[] head = {(byte) 0xFF, (byte) 0xD8,
                (byte) 0xFF, (byte) 0xC0, 0, 8, 8, 0, 48, 0, 64, 0,                 // SOF0 64x48, no components
                (byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0};               // SOS
        byte[] bytes = new byte[head.length + noise.length + 2];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(noise, 0, bytes, head.length, noise.length);
        bytes[bytes.length - 2] = (byte) 0xFF;
        bytes[bytes.length - 1] = (byte) 0xD9;
        Files.write(file, bytes);
        return file;
    }

    /** A small real JPEG followed by zeros up to {@code totalBytes}: decoders stop at the end marker. */
    static Path paddedJpeg(Path file, long totalBytes) throws IOException {
        jpeg(file, 640, 480);
        long remaining = totalBytes - Files.size(file);
        byte[] zeros = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            while (remaining > 0) {
                int n = (int) Math.min(zeros.length, remaining);
                out.write(zeros, 0, n);
                remaining -= n;
            }
        }
        return file;
    }

    /** An H.264 MP4 of {@code frames} frames at 25 fps. */
    static Path mp4(Path file, int width, int height, int frames) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodecName("libopenh264");
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(25);
            recorder.setVideoBitrate(800_000);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                Mat frame = picture(width, height, i);
                recorder.record(converter.convert(frame));
                frame.release();
            }
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("could not encode a test MP4: " + e.getMessage(), e);
        }
        return file;
    }

    /** A decoded 16-bit single-channel PNG; fails if it is anything else. */
    static Mat gray16(byte[] png) {
        Mat buffer = new Mat(1, png.length, opencv_core.CV_8UC1, new BytePointer(png));
        Mat image = opencv_imgcodecs.imdecode(buffer, opencv_imgcodecs.IMREAD_UNCHANGED);
        if (image.empty() || image.type() != opencv_core.CV_16UC1) {
            throw new AssertionError("not a 16-bit grayscale PNG (type " + image.type() + ")");
        }
        return image;
    }

    /** Mean of one row of a single-channel image. */
    static double rowMean(Mat image, int row) {
        try (Mat line = image.row(row)) {
            return opencv_core.mean(line).get(0);
        }
    }

    /** Width and height of an encoded image. */
    static int[] decodedSize(byte[] encoded) {
        try (Mat buffer = new Mat(1, encoded.length, opencv_core.CV_8UC1, new BytePointer(encoded));
             Mat image = opencv_imgcodecs.imdecode(buffer, opencv_imgcodecs.IMREAD_UNCHANGED)) {
            if (image.empty()) {
                throw new AssertionError("not a decodable image (" + encoded.length + " bytes)");
            }
            return new int[] {image.cols(), image.rows()};
        }
    }

    private static Mat picture(int width, int height, long seed) {
        Mat image = new Mat(height, width, opencv_core.CV_8UC3);
        Random random = new Random(seed);
        Mat noise = new Mat(height, width, opencv_core.CV_8UC3);
        opencv_core.randu(noise, new Mat(new double[] {0, 0, 0}), new Mat(new double[] {60, 60, 60}));
        image.put(new Scalar(40 + random.nextInt(100), 90, 160, 0));
        for (int i = 0; i < 12; i++) {
            Point center = new Point(random.nextInt(width), random.nextInt(height));
            opencv_imgproc.circle(image, center, 10 + random.nextInt(Math.max(11, Math.min(width, height) / 3)),
                    new Scalar(random.nextInt(256), random.nextInt(256), random.nextInt(256), 0), -1,
                    opencv_imgproc.LINE_AA, 0);
        }
        opencv_core.add(image, noise, image);
        noise.release();
        return image;
    }

    private static void write(Path file, Mat image, String ext) {
        if (!opencv_imgcodecs.imwrite(file.toString(), image)) {
            throw new IllegalStateException("could not write " + file + " as " + ext);
        }
        image.release();
    }
}
