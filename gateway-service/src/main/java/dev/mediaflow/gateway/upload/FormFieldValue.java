package dev.mediaflow.gateway.upload;

import org.springframework.core.io.buffer.DataBufferLimitException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;

/**
 * The bytes of one form field as they arrive, refused past {@code MEDIAFLOW_MAX_FORM_FIELD_BYTES}: a field is held in
 * memory whole (unlike the file), so its size is what bounds that memory.
 */
final class FormFieldValue {

    private final String name;
    private final int maxBytes;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    FormFieldValue(String name, int maxBytes) {
        this.name = name;
        this.maxBytes = maxBytes;
    }

    void append(ByteBuffer chunk) {
        if (bytes.size() + chunk.remaining() > maxBytes) {
            throw new DataBufferLimitException("form field '" + name + "' is larger than " + maxBytes + " bytes");
        }
        byte[] copy = new byte[chunk.remaining()];
        chunk.get(copy);
        bytes.writeBytes(copy);
    }

    String name() {
        return name;
    }

    String value(Charset charset) {
        return bytes.toString(charset);
    }
}
