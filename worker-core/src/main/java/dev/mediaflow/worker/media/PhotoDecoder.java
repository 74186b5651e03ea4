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
 * Decodes a photo into 8-bit BGR no larger than needed, EXIF orientation applied, within {@link DecodeLimits}.
 *
 * <p>A JPEG far larger than needed is decoded reduced (libjpeg's DCT scaling, IMREAD_REDUCED_COLOR_2/4/8),
 * choosing the strongest reduction that keeps the longest side at or above what the largest variant needs;
 * OpenCV applies EXIF orientation in the reduced modes too. Formats that may carry transparency (PNG with
 * alpha or tRNS, WebP with alpha, GIF) are read unchanged and composited over white after scaling down
 * ({@link Pixels#toBgr8Within}); for those, OpenCV ignores EXIF orientation (IMREAD_UNCHANGED), which only
 * matters for the rare rotated PNG/WebP. Animations (GIF, WebP, APNG) give their first frame only.
 *
 * <p>Before anything is decoded, the decoded size (pixels x channels x bytes per sample x frames, from
 * {@link PhotoFootprints}) is checked against the byte budget; over it, the photo is refused with a clear
 * {@link MediaTooLargeException}. OpenCV's decoders cannot be interrupted, so the budget also bounds their
 * time. HEIF and AVIF go to {@link HeifDecoder}. A photo OpenCV cannot decode goes to FFmpeg's first frame
 * before giving up.
 */
public final class PhotoDecoder {

    private final DecodeMemory memory;

    public PhotoDecoder() {
        this(new DecodeMemory(DecodeLimits.DEFAULT));
    }

    /** @param memory the decode memory this decoder shares with the other decoders of its process */
    public PhotoDecoder(DecodeMemory memory) {
        this.memory = memory;
    }

    /** @param neededLongestSide the result's longest side is at most this (Integer.MAX_VALUE: full size) */
    public Mat decode(Path input, int neededLongestSide) throws IOException {
        try (DecodeMemory.Scope scope = memory.open()) {
            return decode(input, neededLongestSide, scope);
        }
    }

    /** As {@link #decode(Path, int)}, its decode counted in the caller's {@code scope}. */
    Mat decode(Path input, int neededLongestSide, DecodeMemory.Scope scope) throws IOException {
        String name = String.valueOf(input.getFileName());
        byte[] bytes = Files.readAllBytes(input);
        ImageHeader header = ImageHeader.parse(bytes);
        if (header.format() == ImageFormat.HEIF || header.format() == ImageFormat.AVIF) {
            String kind = header.format() == ImageFormat.HEIF ? "HEIC" : "AVIF";
            return fit(HeifDecoder.decode(input, kind, scope), neededLongestSide);
        }
        if (header.format() == ImageFormat.UNKNOWN) {
            throw new UnreadableMediaException("cannot decode image " + name
                    + ": not a JPEG, PNG, WebP, GIF, BMP, TIFF, HEIC or AVIF file");
        }
        int flags = readFlags(header, neededLongestSide);
        PixelFootprint footprint = PhotoFootprints.of(bytes, header, reductionOf(flags));
        if (footprint != null) {
            scope.reserve(header.format() + " " + name, footprint);
        }
        bytes = null; // the encoded file need not stay reachable while the pixels are decoded
        // imread streams from the file: no native copy of the encoded bytes next to the pixels
        Mat raw = imread(input.toAbsolutePath().toString(), flags);
        if (raw.empty()) {
            raw.close();
            return fit(fallback(input, header, scope), neededLongestSide);
        }
        Mat bgr = Pixels.toBgr8Within(raw, neededLongestSide);
        if (bgr != raw) {
            raw.close();
        }
        return bgr;
    }

    private static Mat fit(Mat picture, int longestSide) {
        Mat fitted = Pixels.fitWithin(picture, longestSide);
        if (fitted != picture) {
            picture.close();
        }
        return fitted;
    }

    private static int reductionOf(int flags) {
        return switch (flags) {
            case IMREAD_REDUCED_COLOR_8 -> 8;
            case IMREAD_REDUCED_COLOR_4 -> 4;
            case IMREAD_REDUCED_COLOR_2 -> 2;
            default -> 1;
        };
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

    private static Mat fallback(Path input, ImageHeader header, DecodeMemory.Scope scope) {
        try {
            return VideoFrames.firstFrame(input, scope);
        } catch (UnreadableMediaException e) {
            throw new UnreadableMediaException("cannot decode image " + input.getFileName() + ": corrupt or truncated "
                    + header.format() + " data", e);
        }
    }
}
