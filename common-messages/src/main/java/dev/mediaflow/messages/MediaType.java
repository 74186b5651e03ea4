package dev.mediaflow.messages;

import com.fasterxml.jackson.annotation.JsonValue;

/** What an upload is, decided from its bytes. */
public enum MediaType {
    PHOTO("photo"),
    VIDEO("video");

    private final String json;

    MediaType(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    public static MediaType fromJson(String value) {
        for (MediaType type : values()) {
            if (type.json.equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown media type: " + value);
    }
}
