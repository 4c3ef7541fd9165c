package com.klingvideo.pipeline.entrypoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.domain.ApiJobRequest;
import com.klingvideo.pipeline.domain.FieldError;
import com.klingvideo.pipeline.domain.ImageInput;
import com.klingvideo.pipeline.domain.failure.InvalidJobRequestException;
import com.klingvideo.pipeline.model.ParameterOverrides;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code POST /jobs} body. Strict on purpose: an unknown field or a value of the wrong type is a
 * 400 naming the field, because a typo silently ignored would still cost a paid video.
 */
final class CreateJobRequestParser {
    private static final Set<String> FIELDS = Set.of("image", "imageTail", "prompt", "negativePrompt", "model",
            "mode", "duration", "cfgScale", "aspectRatio", "idempotencyKey", "priority");
    private static final Set<String> IMAGE_FIELDS = Set.of("url", "base64", "s3Key");

    private CreateJobRequestParser() {
    }

    /**
     * @param headerKey the {@code Idempotency-Key} header, or null; the body's field wins when both are given
     * @throws InvalidJobRequestException naming every bad field
     */
    static ApiJobRequest parse(ObjectMapper json, String body, String headerKey) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || body.isBlank()) {
            throw new InvalidJobRequestException(List.of(new FieldError("body", "is empty; send a JSON object")));
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidJobRequestException(List.of(new FieldError("body",
                    "is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")")));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidJobRequestException(List.of(new FieldError("body", "must be a JSON object")));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "is not a known field; known fields are " + String.join(", ",
                        FIELDS.stream().sorted().toList())));
            }
        }
        ImageInput image = image(root, "image", errors);
        ImageInput tail = image(root, "imageTail", errors);
        ParameterOverrides parameters = new ParameterOverrides(
                text(root, "model", errors),
                text(root, "mode", errors),
                textOrNumber(root, "duration", errors),
                text(root, "prompt", errors),
                text(root, "negativePrompt", errors),
                textOrNumber(root, "cfgScale", errors),
                text(root, "aspectRatio", errors),
                null);
        String key = text(root, "idempotencyKey", errors);
        String priority = text(root, "priority", errors);
        if (!errors.isEmpty()) {
            throw new InvalidJobRequestException(errors);
        }
        return new ApiJobRequest(image, tail, parameters, key != null ? key : headerKey, priority);
    }

    private static ImageInput image(JsonNode root, String field, List<FieldError> errors) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(field, "must be an object with one of url, base64 or s3Key"));
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!IMAGE_FIELDS.contains(name)) {
                errors.add(new FieldError(field + "." + name, "is not a known field; use url, base64 or s3Key"));
            }
        }
        return new ImageInput(text(node, "url", field + ".url", errors), text(node, "base64", field + ".base64", errors),
                text(node, "s3Key", field + ".s3Key", errors));
    }

    private static String text(JsonNode node, String field, List<FieldError> errors) {
        return text(node, field, field, errors);
    }

    private static String text(JsonNode node, String field, String path, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(path, "must be a string, not " + value.getNodeType().name().toLowerCase()));
            return null;
        }
        return value.textValue();
    }

    private static String textOrNumber(JsonNode node, String field, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value != null && value.isNumber()) {
            return value.asText();
        }
        return text(node, field, errors);
    }
}
