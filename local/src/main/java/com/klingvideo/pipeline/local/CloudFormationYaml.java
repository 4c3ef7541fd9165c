package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Reads a CloudFormation / SAM template written in YAML into a JSON tree, turning the short-form
 * intrinsic tags into their long form as CloudFormation does: {@code !Ref X} becomes
 * {@code {"Ref": "X"}}, {@code !GetAtt A.B} becomes {@code {"Fn::GetAtt": ["A", "B"]}}, and any other
 * {@code !Name value} becomes {@code {"Fn::Name": value}}. A plain YAML mapper would either reject the
 * tags or drop them and lose which values are references.
 */
public final class CloudFormationYaml {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CloudFormationYaml() {
    }

    /**
     * @throws UncheckedIOException when the file cannot be read or is not YAML
     * @throws IllegalArgumentException when a mapping repeats a key (CloudFormation rejects that too)
     */
    public static JsonNode read(Path file) {
        try (YAMLParser parser = YAML.createParser(file.toFile())) {
            if (parser.nextToken() == null) {
                throw new IllegalArgumentException(file + " is empty");
            }
            return readValue(parser);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static JsonNode readValue(YAMLParser parser) throws IOException {
        // The tag belongs to the token that opens the value, so read it before moving on.
        String tag = parser.getTypeId();
        JsonNode value = switch (parser.currentToken()) {
            case START_OBJECT -> readMapping(parser);
            case START_ARRAY -> readSequence(parser);
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> integer(parser);
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IllegalArgumentException("unexpected " + parser.currentToken()
                    + " at " + parser.currentLocation());
        };
        return tag == null ? value : intrinsic(tag, value);
    }

    /** The same node type Jackson's own JSON reader would make, so trees compare equal. */
    private static JsonNode integer(YAMLParser parser) throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
        };
    }

    private static ObjectNode readMapping(YAMLParser parser) throws IOException {
        ObjectNode mapping = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            if (mapping.has(key)) {
                throw new IllegalArgumentException("duplicate key '" + key + "' at " + parser.currentLocation());
            }
            parser.nextToken();
            mapping.set(key, readValue(parser));
        }
        return mapping;
    }

    private static ArrayNode readSequence(YAMLParser parser) throws IOException {
        ArrayNode sequence = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            sequence.add(readValue(parser));
        }
        return sequence;
    }

    private static JsonNode intrinsic(String tag, JsonNode value) {
        ObjectNode function = NODES.objectNode();
        switch (tag) {
            case "Ref", "Condition" -> function.set(tag, value);
            case "GetAtt" -> {
                if (value.isTextual()) {
                    // !GetAtt Resource.Attribute.With.Dots: only the first dot separates.
                    String[] parts = value.asText().split("\\.", 2);
                    ArrayNode pair = NODES.arrayNode().add(parts[0]);
                    if (parts.length > 1) {
                        pair.add(parts[1]);
                    }
                    function.set("Fn::GetAtt", pair);
                } else {
                    function.set("Fn::GetAtt", value);
                }
            }
            default -> function.set("Fn::" + tag, value);
        }
        return function;
    }
}
