package dev.mediaflow.gateway.upload;

import dev.mediaflow.messages.MediaType;

import java.util.Arrays;
import java.util.Optional;

/** The accepted file formats: each decides the stored extension and the content type it is served with. */
public enum StoredFormat {
    JPEG("jpg", "image/jpeg", MediaType.PHOTO),
    PNG("png", "image/png", MediaType.PHOTO),
    WEBP("webp", "image/webp", MediaType.PHOTO),
    GIF("gif", "image/gif", MediaType.PHOTO),
    BMP("bmp", "image/bmp", MediaType.PHOTO),
    TIFF("tif", "image/tiff", MediaType.PHOTO),
    HEIC("heic", "image/heic", MediaType.PHOTO),
    AVIF("avif", "image/avif", MediaType.PHOTO),
    MP4("mp4", "video/mp4", MediaType.VIDEO),
    MOV("mov", "video/quicktime", MediaType.VIDEO),
    WEBM("webm", "video/webm", MediaType.VIDEO),
    MKV("mkv", "video/x-matroska", MediaType.VIDEO),
    AVI("avi", "video/x-msvideo", MediaType.VIDEO);

    private final String extension;
    private final String contentType;
    private final MediaType mediaType;

    StoredFormat(String extension, String contentType, MediaType mediaType) {
        this.extension = extension;
        this.contentType = contentType;
        this.mediaType = mediaType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    public MediaType mediaType() {
        return mediaType;
    }

    public static Optional<StoredFormat> byExtension(String extension) {
        return Arrays.stream(values()).filter(f -> f.extension.equals(extension)).findFirst();
    }
}
