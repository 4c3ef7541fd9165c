package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The bodies of the latest authenticated create requests, for assertions. Base64 images are shortened
 * to {@code "<base64: N chars>"}; URLs are kept whole.
 */
final class ReceivedCreates {

    static final int CAPACITY = 1000;
    private static final int LONGEST_KEPT = 200;

    private final Deque<JsonNode> bodies = new ArrayDeque<>();

    synchronized void add(JsonNode body) {
        JsonNode copy = body.deepCopy();
        if (copy.isObject()) {
            shorten((ObjectNode) copy, "image");
            shorten((ObjectNode) copy, "image_tail");
        }
        if (bodies.size() == CAPACITY) {
            bodies.removeFirst();
        }
        bodies.addLast(copy);
    }

    synchronized List<JsonNode> list() {
        return bodies.stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    private static void shorten(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value != null && value.isTextual() && value.asText().length() > LONGEST_KEPT
                && !value.asText().startsWith("http://") && !value.asText().startsWith("https://")) {
            body.put(field, "<base64: " + value.asText().length() + " chars>");
        }
    }
}
