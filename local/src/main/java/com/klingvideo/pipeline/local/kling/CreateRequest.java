package com.klingvideo.pipeline.local.kling;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A create body that passed Kling's parameter rules. Kling's defaults fill what is missing
 * ({@code kling-v1}, {@code std}, {@code "5"}); {@code model_name} wins over the legacy {@code model}.
 * The image strings are kept as sent: whether they can be fetched or decoded is {@link ImageLoader}'s
 * business, whether the picture is usable is {@link ImageChecks}'.
 *
 * @param image          URL or raw base64, or null
 * @param imageTail      URL or raw base64, or null
 * @param externalTaskId null when absent or empty
 */
record CreateRequest(
        String model,
        String mode,
        String duration,
        String prompt,
        String negativePrompt,
        Double cfgScale,
        String aspectRatio,
        String image,
        String imageTail,
        String externalTaskId,
        String callbackUrl) {

    static final Set<String> MODES = Set.of("std", "pro");
    static final Set<String> DURATIONS = Set.of("5", "10");
    /**
     * Kling's capability map for end frames: per model, the mode/duration pairs that take {@code image_tail}.
     * Kling's own copy, kept apart from the pipeline's so that a test can show the pipeline refusing first.
     */
    private static final Map<String, Set<String>> IMAGE_TAIL = endFrameCapabilities();
    static final List<String> MODELS = List.copyOf(IMAGE_TAIL.keySet());
    static final int MAX_PROMPT_CHARS = 2500;

    private static final Set<String> ASPECT_RATIOS = Set.of("16:9", "9:16", "1:1");
    private static final Set<String> SOUNDS = Set.of("on", "off");
    private static final List<String> EXCLUSIVE = List.of("image_tail", "camera_control", "static_mask", "dynamic_masks");

    /**
     * Applies Kling's rules: 1200 when the body is not a JSON object, 1201 naming the first field that
     * breaks a rule.
     */
    static CreateRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiFailure.kling(400, 1200, "request body is not a JSON object");
        }
        String model = text(body, "model_name");
        if (model == null) {
            model = text(body, "model");
        }
        model = model == null ? MODELS.get(0) : model;
        if (!MODELS.contains(model)) {
            throw ApiFailure.invalidParameter("model_name is invalid");
        }
        String mode = oneOf(body, "mode", MODES, "std");
        String duration = oneOf(body, "duration", DURATIONS, "5");
        String prompt = limited(body, "prompt");
        String negativePrompt = limited(body, "negative_prompt");
        Double cfgScale = null;
        if (present(body, "cfg_scale")) {
            JsonNode value = body.get("cfg_scale");
            if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
                throw ApiFailure.invalidParameter("cfg_scale is invalid");
            }
            cfgScale = value.asDouble();
        }
        String aspectRatio = present(body, "aspect_ratio") ? oneOf(body, "aspect_ratio", ASPECT_RATIOS, null) : null;
        if (present(body, "sound")) {
            oneOf(body, "sound", SOUNDS, null);
        }
        String image = nonEmpty(text(body, "image"));
        String imageTail = nonEmpty(text(body, "image_tail"));
        if (image == null && imageTail == null) {
            throw ApiFailure.invalidParameter("image is required");
        }
        if (EXCLUSIVE.stream().filter(field -> present(body, field)).count() > 1) {
            throw ApiFailure.invalidParameter("image_tail, camera_control, static_mask and dynamic_masks cannot be combined");
        }
        if (imageTail != null && !takesImageTail(model, mode, duration)) {
            throw ApiFailure.invalidParameter("image_tail is not supported by " + model + " with mode " + mode
                    + " and duration " + duration);
        }
        return new CreateRequest(model, mode, duration, prompt, negativePrompt, cfgScale, aspectRatio, image, imageTail,
                nonEmpty(text(body, "external_task_id")), text(body, "callback_url"));
    }

    static boolean takesImageTail(String model, String mode, String duration) {
        return IMAGE_TAIL.getOrDefault(model, Set.of()).contains(mode + "/" + duration);
    }

    private static Map<String, Set<String>> endFrameCapabilities() {
        Set<String> fiveSeconds = Set.of("std/5", "pro/5");
        Set<String> pro = Set.of("pro/5", "pro/10");
        Map<String, Set<String>> models = new LinkedHashMap<>();
        models.put("kling-v1", fiveSeconds);
        models.put("kling-v1-5", pro);
        models.put("kling-v1-6", pro);
        models.put("kling-v2-master", Set.of());
        models.put("kling-v2-1", pro);
        models.put("kling-v2-1-master", Set.of());
        models.put("kling-v2-5-turbo", pro);
        models.put("kling-v2-6", pro);
        models.put("kling-v3", Set.of("std/5", "std/10", "pro/5", "pro/10"));
        return Collections.unmodifiableMap(models);
    }

    /** The model a gateway prices: {@code model_name}, else {@code model}, else Kling's default. */
    static String requestedModel(JsonNode body) {
        JsonNode name = body.get("model_name");
        JsonNode legacy = body.get("model");
        JsonNode chosen = name != null && !name.isNull() ? name : legacy;
        return chosen == null || chosen.isNull() ? MODELS.get(0) : chosen.asText();
    }

    private static String oneOf(JsonNode body, String field, Set<String> allowed, String fallback) {
        String value = text(body, field);
        if (value == null && !present(body, field)) {
            return fallback;
        }
        if (value == null || !allowed.contains(value)) {
            throw ApiFailure.invalidParameter(field + " is invalid");
        }
        return value;
    }

    private static String limited(JsonNode body, String field) {
        String value = text(body, field);
        if (value != null && value.codePointCount(0, value.length()) > MAX_PROMPT_CHARS) {
            throw ApiFailure.invalidParameter(field + " is too long, at most " + MAX_PROMPT_CHARS + " characters");
        }
        return value == null ? "" : value;
    }

    /** The string value of a field; null when absent or JSON null; 1201 when it is not a string. */
    private static String text(JsonNode body, String field) {
        if (!present(body, field)) {
            return null;
        }
        JsonNode value = body.get(field);
        if (!value.isTextual()) {
            throw ApiFailure.invalidParameter(field + " is invalid");
        }
        return value.asText();
    }

    private static boolean present(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && !value.isNull();
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
