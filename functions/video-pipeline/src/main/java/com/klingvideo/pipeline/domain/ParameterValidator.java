package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.ParameterOverrides;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kling's rules for the generation settings, applied to the resolved layers before anything is sent:
 * a task Kling rejects costs a round trip, and one that runs with a silently wrong value costs credits.
 * Every problem is reported at once, under the API's JSON field names, so one edit fixes the input.
 *
 * <p>Models, modes, durations and which of them take an end frame come from {@link ModelCapabilities}.
 * Values are trimmed, except prompts, which are passed on as written. Defaults are not filled in here:
 * they come from the defaults layer, so model, mode and duration must be set by some layer.
 */
public final class ParameterValidator {

    /** Kling's limit for prompt and negative prompt, counted here in Unicode code points. */
    public static final int MAX_PROMPT_LENGTH = 2500;

    /** Words people write for a mode that Kling rejects. */
    private static final Map<String, String> MODE_ALIASES = Map.of("standard", "std", "professional", "pro");
    private static final List<String> ASPECT_RATIOS = List.of("16:9", "9:16", "1:1");
    /** Plain decimal notation only: Double.parseDouble would also take "NaN", "Infinity", "0x1p-1" and "1d". */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private ParameterValidator() {
    }

    /** The validated parameters, or every error found; an end frame is there when {@code imageTailKey} is set. */
    public static ValidationResult<GenerationParameters> validate(ParameterOverrides overrides) {
        Objects.requireNonNull(overrides, "overrides");
        return validate(overrides, !isBlank(overrides.imageTailKey()));
    }

    /**
     * The validated parameters, or every error found.
     *
     * @param withImageTail whether the job has an end frame, however it was given
     */
    public static ValidationResult<GenerationParameters> validate(ParameterOverrides overrides, boolean withImageTail) {
        Objects.requireNonNull(overrides, "overrides");
        List<FieldError> errors = new ArrayList<>();
        String model = oneOf(errors, "model", overrides.model(), ModelCapabilities.models(), Map.of());
        Optional<ModelCapabilities.Row> row = ModelCapabilities.row(model);
        String mode = oneOf(errors, "mode", overrides.mode(),
                row.map(ModelCapabilities.Row::modes).orElse(ModelCapabilities.modes()), MODE_ALIASES);
        String duration = oneOf(errors, "duration", overrides.duration(),
                row.map(ModelCapabilities.Row::durations).orElse(ModelCapabilities.durations()), Map.of());
        if (withImageTail && row.isPresent() && mode != null && duration != null) {
            ModelCapabilities.imageTailRefusal(row.get(), mode, duration).ifPresent(errors::add);
        }
        String prompt = prompt(errors, "prompt", overrides.prompt());
        String negativePrompt = prompt(errors, "negativePrompt", overrides.negativePrompt());
        Double cfgScale = cfgScale(errors, overrides.cfgScale());
        String aspectRatio = isBlank(overrides.aspectRatio())
                ? null
                : oneOf(errors, "aspectRatio", overrides.aspectRatio(), ASPECT_RATIOS, Map.of());
        if (!errors.isEmpty()) {
            return ValidationResult.invalid(errors);
        }
        return ValidationResult.valid(new GenerationParameters(
                model, mode, duration, prompt, negativePrompt, cfgScale, aspectRatio));
    }

    private static String oneOf(List<FieldError> errors, String field, String raw, List<String> allowed,
                                Map<String, String> aliases) {
        String use = "use " + describe(allowed);
        if (isBlank(raw)) {
            errors.add(new FieldError(field, field + " is required; " + use));
            return null;
        }
        String value = raw.trim();
        if (allowed.contains(value)) {
            return value;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        String suggestion = allowed.contains(lower) ? lower : aliases.get(lower);
        String hint = suggestion == null ? "" : " (did you mean '" + suggestion + "'?)";
        errors.add(new FieldError(field, field + " '" + value + "' is not supported; " + use + hint));
        return null;
    }

    private static String prompt(List<FieldError> errors, String field, String raw) {
        String value = raw == null ? "" : raw;
        int length = value.codePointCount(0, value.length());
        if (length > MAX_PROMPT_LENGTH) {
            errors.add(new FieldError(field, field + " is " + length + " characters long; at most "
                    + MAX_PROMPT_LENGTH + " are allowed"));
        }
        return value;
    }

    private static Double cfgScale(List<FieldError> errors, String raw) {
        if (isBlank(raw)) {
            return null;
        }
        String value = raw.trim();
        if (!DECIMAL.matcher(value).matches()) {
            errors.add(new FieldError("cfgScale", "cfgScale '" + value + "' is not a number; use a value from 0 to 1"));
            return null;
        }
        double parsed = Double.parseDouble(value);
        if (!(parsed >= 0 && parsed <= 1)) {
            errors.add(new FieldError("cfgScale", "cfgScale " + value + " is outside 0 to 1"));
            return null;
        }
        return parsed + 0.0; // turns -0.0 into 0.0
    }

    private static String describe(List<String> allowed) {
        if (allowed.size() == 2) {
            return allowed.get(0) + " or " + allowed.get(1);
        }
        return "one of " + String.join(", ", allowed);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
