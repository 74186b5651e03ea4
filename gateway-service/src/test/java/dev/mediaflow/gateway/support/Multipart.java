package dev.mediaflow.gateway.support;

import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.http.HttpEntity;
import org.springframework.util.MultiValueMap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds upload bodies: streamed (no Content-Length) with the builder, or raw bytes with a known length. */
public final class Multipart {

    public static final String BOUNDARY = "mediaflow-test-boundary-7MA4YWxkTrZu0gW";

    private final String fileField;
    private final String filename;
    private final byte[] content;
    private final String contentType;
    private final Map<String, String> fields = new LinkedHashMap<>();

    private Multipart(String fileField, String filename, byte[] content, String contentType) {
        this.fileField = fileField;
        this.filename = filename;
        this.content = content;
        this.contentType = contentType;
    }

    public static Multipart file(String filename, byte[] content, String contentType) {
        return new Multipart("media", filename, content, contentType);
    }

    public static Multipart file(String field, String filename, byte[] content, String contentType) {
        return new Multipart(field, filename, content, contentType);
    }

    public static Multipart noFile() {
        return new Multipart(null, null, null, null);
    }

    public Multipart field(String name, String value) {
        fields.put(name, value);
        return this;
    }

    public MultiValueMap<String, HttpEntity<?>> parts() {
        MultipartBodyBuilder builder = new MultipartBodyBuilder();
        fields.forEach(builder::part);
        if (fileField != null) {
            builder.part(fileField, content).filename(filename).contentType(MediaType.parseMediaType(contentType));
        }
        return builder.build();
    }

    public MediaType rawContentType() {
        return MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY);
    }

    public byte[] rawBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\""
                + name + "\"\r\n\r\n" + value + "\r\n"));
        if (fileField != null) {
            write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fileField
                    + "\"; filename=\"" + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n");
            out.writeBytes(content);
            write(out, "\r\n");
        }
        write(out, "--" + BOUNDARY + "--\r\n");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
