package com.klingvideo.pipeline.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one ObjectMapper of the Kling adapter (thread-safe once configured; holds no time or secrets). */
final class KlingJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private KlingJson() {
    }

    /** The body as a JSON tree, or null when it is empty or not JSON. */
    static JsonNode readOrNull(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (Exception notJson) {
            return null;
        }
    }

    /** The text of a scalar field, or null when absent, JSON null or not a scalar. */
    static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }
}
