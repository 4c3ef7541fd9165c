package com.klingvideo.pipeline.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Writes items in DynamoDB's wire JSON, to build canned responses. */
final class DynamoDbJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DynamoDbJson() {
    }

    static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode node = JSON.createObjectNode();
        item.forEach((name, value) -> node.set(name, value(value)));
        return node;
    }

    static ObjectNode value(AttributeValue value) {
        ObjectNode node = JSON.createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case BOOL -> node.put("BOOL", value.bool());
            case L -> value.l().forEach(v -> node.withArray("L").add(value(v)));
            default -> throw new IllegalArgumentException("not needed by these tests: " + value.type());
        }
        return node;
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
