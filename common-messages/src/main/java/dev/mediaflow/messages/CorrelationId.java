package dev.mediaflow.messages;

import org.springframework.amqp.core.Message;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id that ties together everything one request caused: the gateway takes it from a client's
 * {@value #HEADER} header (or makes one), answers with it, and it travels in the same header on the
 * job's messages to queue-service and the workers, which put it into every log line of that work.
 *
 * <p>The same name serves HTTP and AMQP, so one constant is the whole contract. A value is accepted
 * only when short and made of URL-safe characters: it lands in every log line and message header of
 * the job, and a client must not be able to forge log lines (line breaks, quotes) or bloat them.
 */
public final class CorrelationId {

    /** The HTTP request and response header, and the AMQP message header, that carry the id. */
    public static final String HEADER = "X-Correlation-Id";
    /** The longest id accepted; a UUID (36), a W3C trace id (32) or a ULID (26) fit. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

    private CorrelationId() {
    }

    /** The candidate if it is a valid id; empty for null, blank, too long or with other characters. */
    public static Optional<String> accept(String candidate) {
        return candidate != null && VALID.matcher(candidate).matches() ? Optional.of(candidate) : Optional.empty();
    }

    /** The candidate if valid, else a new id: a request never goes without one. */
    public static String acceptOrGenerate(String candidate) {
        return accept(candidate).orElseGet(CorrelationId::generate);
    }

    public static String generate() {
        return UUID.randomUUID().toString();
    }

    /** The valid id a message carries, if any (messages published before ids existed carry none). */
    public static Optional<String> of(Message message) {
        Object value = message.getMessageProperties().getHeader(HEADER);
        return value == null ? Optional.empty() : accept(value.toString());
    }

    /** Puts the id into the message's headers; a null id leaves the message as it is. */
    public static Message stamp(Message message, String correlationId) {
        if (correlationId != null) {
            message.getMessageProperties().setHeader(HEADER, correlationId);
        }
        return message;
    }
}
