package com.klingvideo.pipeline.domain;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.klingvideo.pipeline.domain.failure.InvalidSidecarException;
import com.klingvideo.pipeline.model.ParameterOverrides;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the layers of per-image settings into {@link ParameterOverrides}, keeping values as text so
 * that {@link ParameterValidator} can name a bad one exactly. Layers are overlaid by the caller,
 * lowest first: defaults, then object metadata, then the sidecar.
 */
public final class ParameterSources {

    /** S3 user metadata keys (without {@code x-amz-meta-}) and the field each one sets. */
    private static final Map<String, String> METADATA_KEYS = Map.of(
            "prompt", "prompt",
            "negative-prompt", "negativePrompt",
            "model", "model",
            "mode", "mode",
            "duration", "duration",
            "cfg-scale", "cfgScale",
            "aspect-ratio", "aspectRatio",
            "image-tail", "imageTail");

    /** The fields a sidecar may set, by their API names. */
    private static final List<String> SIDECAR_FIELDS = List.of(
            "prompt", "negativePrompt", "model", "mode", "duration", "cfgScale", "aspectRatio", "imageTail");

    /** Every name a sidecar may use: the API's camelCase, and snake_case and kebab-case spellings. */
    private static final Map<String, String> SIDECAR_NAMES = sidecarNames();

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ParameterSources() {
    }

    /**
     * The settings in an object's user metadata: {@code prompt}, {@code negative-prompt}, {@code model},
     * {@code mode}, {@code duration}, {@code cfg-scale}, {@code aspect-ratio}, {@code image-tail}. Values
     * in RFC 2047 encoded-words are decoded. Other keys are ignored (metadata has other uses); a blank
     * value sets nothing.
     *
     * @param userMetadata keys without the {@code x-amz-meta-} prefix
     */
    public static ParameterOverrides fromMetadata(Map<String, String> userMetadata) {
        Objects.requireNonNull(userMetadata, "userMetadata");
        Map<String, String> values = new HashMap<>();
        userMetadata.forEach((key, raw) -> {
            String field = key == null ? null : METADATA_KEYS.get(key.toLowerCase(Locale.ROOT));
            String value = unlessBlank(EncodedWords.decode(raw));
            if (field != null && value != null) {
                values.put(field, value);
            }
        });
        return overrides(values);
    }

    /**
     * The settings in a JSON sidecar: an object with any of {@code prompt}, {@code negativePrompt},
     * {@code model}, {@code mode}, {@code duration} (string or number), {@code cfgScale} (number or
     * string), {@code aspectRatio} and {@code imageTail} (the key of the end-frame image in the same
     * bucket); {@code negative_prompt} and {@code negative-prompt} style spellings work too. A null
     * value sets nothing; a string is kept as written, so {@code ""} clears a lower layer's value.
     *
     * @throws InvalidSidecarException when the content is not a JSON object, or any field is unknown,
     *                                 given twice or of the wrong type; the message names them all
     */
    public static ParameterOverrides fromSidecar(byte[] json) {
        Objects.requireNonNull(json, "json");
        JsonNode root = parse(json);
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        Map<String, String> spelledAs = new HashMap<>();
        boolean unknown = false;
        for (Map.Entry<String, JsonNode> property : root.properties()) {
            String name = property.getKey();
            String field = SIDECAR_NAMES.get(name);
            if (field == null) {
                problems.add("unknown field '" + name + "' in sidecar");
                unknown = true;
                continue;
            }
            String earlier = spelledAs.putIfAbsent(field, name);
            if (earlier != null) {
                problems.add("field '" + name + "' in sidecar repeats '" + earlier + "'");
                continue;
            }
            JsonNode node = property.getValue();
            if (node.isNull()) {
                continue;
            }
            boolean numberAllowed = field.equals("duration") || field.equals("cfgScale");
            if (node.isTextual() || (numberAllowed && node.isNumber())) {
                values.put(field, node.asText());
            } else {
                String expected = numberAllowed ? "a string or number" : "a string";
                problems.add("field '" + name + "' in sidecar must be " + expected + ", found " + describe(node));
            }
        }
        if (!problems.isEmpty()) {
            String known = unknown ? "; known fields: " + String.join(", ", SIDECAR_FIELDS) : "";
            throw new InvalidSidecarException(String.join("; ", problems) + known);
        }
        return overrides(values);
    }

    /** The deployment's defaults, as configured; a blank value sets nothing. */
    public static ParameterOverrides fromDefaults(String model, String mode, String duration, String prompt,
                                                  String negativePrompt, String cfgScale, String aspectRatio) {
        return new ParameterOverrides(unlessBlank(model), unlessBlank(mode), unlessBlank(duration),
                unlessBlank(prompt), unlessBlank(negativePrompt), unlessBlank(cfgScale), unlessBlank(aspectRatio),
                null);
    }

    private static JsonNode parse(byte[] json) {
        JsonNode root;
        try (JsonParser parser = JSON.createParser(json)) {
            root = JSON.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw new InvalidSidecarException("sidecar is not valid JSON: more content follows the first value"
                        + where(parser.currentTokenLocation()));
            }
        } catch (JsonEOFException e) {
            throw new InvalidSidecarException("sidecar is not valid JSON: it ends before the JSON is complete"
                    + where(e.getLocation()), e);
        } catch (JsonProcessingException e) {
            throw new InvalidSidecarException("sidecar is not valid JSON: " + e.getOriginalMessage() + where(e.getLocation()), e);
        } catch (IOException e) {
            throw new InvalidSidecarException("sidecar could not be read as JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidSidecarException("sidecar is empty; expected a JSON object");
        }
        if (!root.isObject()) {
            throw new InvalidSidecarException("sidecar must be a JSON object, found " + describe(root));
        }
        return root;
    }

    private static String where(JsonLocation at) {
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static String describe(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return node.isValueNode() && !node.isNull() ? type + " " + node : type;
    }

    private static ParameterOverrides overrides(Map<String, String> byField) {
        return new ParameterOverrides(byField.get("model"), byField.get("mode"), byField.get("duration"),
                byField.get("prompt"), byField.get("negativePrompt"), byField.get("cfgScale"),
                byField.get("aspectRatio"), byField.get("imageTail"));
    }

    private static String unlessBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Map<String, String> sidecarNames() {
        Map<String, String> names = new LinkedHashMap<>();
        for (String field : SIDECAR_FIELDS) {
            String snake = field.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
            names.put(field, field);
            names.put(snake, field);
            names.put(snake.replace('_', '-'), field);
        }
        return Map.copyOf(names);
    }
}
