package dev.mediaflow.worker.media;

import dev.mediaflow.messages.ImageFormat;
import dev.mediaflow.messages.ImageHeader;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_imgcodecs.*;

/**
 * Decodes a photo with OpenCV into 8-bit BGR, EXIF orientation applied.
 *
 * <p>A JPEG far larger than needed is decoded reduced (libjpeg's DCT scaling, IMREAD_REDUCED_COLOR_2/4/8),
 * choosing the strongest reduction that keeps the longest side at or above what the largest variant needs;
 * OpenCV applies EXIF orientation in the reduced modes too. Formats that may carry transparency (PNG with
 * alpha or tRNS, WebP with alpha, GIF) are read unchanged and composited over white; for those, OpenCV
 * ignores EXIF orientation (IMREAD_UNCHANGED), which only matters for the rare rotated PNG/WebP. A photo
 * OpenCV cannot decode goes to FFmpeg's first frame before giving up.
 */
public final class PhotoDecoder {

    public Mat decode(Path input, int neededLongestSide) throws IOException {
        String name = String.valueOf(input.getFileName());
        byte[] bytes = Files.readAllBytes(input);
        ImageHeader header = ImageHeader.parse(bytes);
        if (header.format() == ImageFormat.UNKNOWN) {
            throw new UnreadableMediaException("cannot decode image " + name
                    + ": not a JPEG, PNG, WebP, GIF, BMP or TIFF file");
        }
        Mat raw = openCvDecode(bytes, readFlags(header, neededLongestSide));
        if (raw.empty()) {
            raw.close();
            return fallback(input, header);
        }
        Mat bgr = Pixels.toBgr8(raw);
        if (bgr != raw) {
            raw.close();
        }
        return bgr;
    }

    /** The imdecode flags for this header: reduced JPEG decode where safe, unchanged where alpha may exist. */
    public static int readFlags(ImageHeader header, int neededLongestSide) {
        if (header.mayHaveAlpha()) {
            return IMREAD_UNCHANGED;
        }
        if (header.format() == ImageFormat.JPEG && header.hasSize()) {
            return switch (reductionFactor(header.longestSide(), neededLongestSide)) {
                case 8 -> IMREAD_REDUCED_COLOR_8;
                case 4 -> IMREAD_REDUCED_COLOR_4;
                case 2 -> IMREAD_REDUCED_COLOR_2;
                default -> IMREAD_COLOR;
            };
        }
        return IMREAD_COLOR;
    }

    /** The largest of 8, 4, 2 (else 1) whose reduced size, ceil(longest / f) as libjpeg makes it, still covers {@code needed}. */
    public static int reductionFactor(int longest, int needed) {
        for (int factor : new int[] {8, 4, 2}) {
            if ((longest + factor - 1) / factor >= needed) {
                return factor;
            }
        }
        return 1;
    }

    public static Mat openCvDecode(byte[] bytes, int flags) {
        try (BytePointer data = new BytePointer(bytes); Mat buffer = new Mat(data)) {
            return imdecode(buffer, flags);
        }
    }

    private static Mat fallback(Path input, ImageHeader header) {
        try {
            return VideoFrames.firstFrame(input);
        } catch (UnreadableMediaException e) {
            throw new UnreadableMediaException("cannot decode image " + input.getFileName() + ": corrupt or truncated "
                    + header.format() + " data", e);
        }
    }
}
