package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.ParameterOverrides;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterValidatorTest {

    private static final String MODELS = "kling-v1, kling-v1-5, kling-v1-6, kling-v2-master, kling-v2-1, "
            + "kling-v2-1-master, kling-v2-5-turbo, kling-v2-6, kling-v3";

    /** Valid in every field; each test changes what it is about. */
    private static final ParameterOverrides VALID =
            new ParameterOverrides("kling-v2-1", "std", "5", "a red mug turning", "blur", "0.5", "16:9", null);

    private static ParameterOverrides with(String field, String value) {
        ParameterOverrides v = VALID;
        return new ParameterOverrides(
                field.equals("model") ? value : v.model(),
                field.equals("mode") ? value : v.mode(),
                field.equals("duration") ? value : v.duration(),
                field.equals("prompt") ? value : v.prompt(),
                field.equals("negativePrompt") ? value : v.negativePrompt(),
                field.equals("cfgScale") ? value : v.cfgScale(),
                field.equals("aspectRatio") ? value : v.aspectRatio(),
                v.imageTailKey());
    }

    private static GenerationParameters valid(ParameterOverrides overrides) {
        ValidationResult<GenerationParameters> result = ParameterValidator.validate(overrides);
        assertThat(result.errors()).isEmpty();
        return result.value();
    }

    private static List<FieldError> errors(ParameterOverrides overrides) {
        ValidationResult<GenerationParameters> result = ParameterValidator.validate(overrides);
        assertThat(result.isValid()).isFalse();
        return result.errors();
    }

    @Test
    void validate_should_returnParameters_when_everyFieldIsValid() {
        // GIVEN / WHEN
        ValidationResult<GenerationParameters> result = ParameterValidator.validate(VALID);

        // THEN
        assertThat(result.isValid()).isTrue();
        assertThat(result.errors()).isEmpty();
        assertThat(result.value()).isEqualTo(
                new GenerationParameters("kling-v2-1", "std", "5", "a red mug turning", "blur", 0.5, "16:9"));
    }

    // --- model ------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("com.klingvideo.pipeline.domain.ModelCapabilities#models")
    void validate_should_acceptModel_when_supported(String model) {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("model", model)).model()).isEqualTo(model);
    }

    @Test
    void validate_should_trimModel_when_surroundedBySpaces() {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("model", " kling-v3 ")).model()).isEqualTo("kling-v3");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void validate_should_requireModel_when_notSet(String model) {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("model", model))).containsExactly(
                new FieldError("model", "model is required; use one of " + MODELS));
    }

    @Test
    void validate_should_rejectModel_when_notSupported() {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("model", "kling-v9"))).containsExactly(
                new FieldError("model", "model 'kling-v9' is not supported; use one of " + MODELS));
    }

    @Test
    void validate_should_suggestLowerCase_when_modelDiffersOnlyInCase() {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("model", "Kling-V2-1"))).extracting(FieldError::message).containsExactly(
                "model 'Kling-V2-1' is not supported; use one of " + MODELS + " (did you mean 'kling-v2-1'?)");
    }

    // --- mode -------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"std, std", "pro, pro", "' pro ', pro"})
    void validate_should_acceptMode_when_stdOrPro(String mode, String expected) {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("mode", mode)).mode()).isEqualTo(expected);
    }

    @Test
    void validate_should_rejectStandardWithHint_when_modeIsStandard() {
        // GIVEN "standard", which Kling itself rejects

        // WHEN
        List<FieldError> errors = errors(with("mode", "standard"));

        // THEN
        assertThat(errors).containsExactly(new FieldError("mode",
                "mode 'standard' is not supported; use std or pro (did you mean 'std'?)"));
    }

    @ParameterizedTest
    @CsvSource({
            "professional, mode 'professional' is not supported; use std or pro (did you mean 'pro'?)",
            "STD, mode 'STD' is not supported; use std or pro (did you mean 'std'?)",
            "fast, mode 'fast' is not supported; use std or pro"})
    void validate_should_rejectMode_when_notStdOrPro(String mode, String message) {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("mode", mode))).containsExactly(new FieldError("mode", message));
    }

    @Test
    void validate_should_requireMode_when_notSet() {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("mode", null))).containsExactly(
                new FieldError("mode", "mode is required; use std or pro"));
    }

    // --- duration ---------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"5, 5", "10, 10", "' 5 ', 5", "'10\t', 10"})
    void validate_should_acceptDuration_when_5or10(String duration, String expected) {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("duration", duration)).duration()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.0", "05", "15", "0", "-5", "5s", "ten"})
    void validate_should_rejectDuration_when_not5or10(String duration) {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("duration", duration))).containsExactly(new FieldError("duration",
                "duration '" + duration + "' is not supported; use 5 or 10"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void validate_should_requireDuration_when_notSet(String duration) {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("duration", duration))).containsExactly(
                new FieldError("duration", "duration is required; use 5 or 10"));
    }

    // --- prompt and negativePrompt ----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"prompt", "negativePrompt"})
    void validate_should_acceptPrompt_when_exactly2500CodePointsOfWhichManyAreSurrogatePairs(String field) {
        // GIVEN 2500 characters that take 5000 UTF-16 units
        String emoji = "\uD83D\uDE00".repeat(2500);

        // WHEN
        GenerationParameters parameters = valid(with(field, emoji));

        // THEN
        assertThat(field.equals("prompt") ? parameters.prompt() : parameters.negativePrompt()).isEqualTo(emoji);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prompt", "negativePrompt"})
    void validate_should_rejectPrompt_when_2501CodePoints(String field) {
        // GIVEN / WHEN / THEN
        assertThat(errors(with(field, "é".repeat(2501)))).containsExactly(
                new FieldError(field, field + " is 2501 characters long; at most 2500 are allowed"));
    }

    @Test
    void validate_should_useEmptyPrompts_when_promptsAreNotSet() {
        // GIVEN
        ParameterOverrides overrides = new ParameterOverrides("kling-v1", "std", "5", null, null, null, null, null);

        // WHEN
        GenerationParameters parameters = valid(overrides);

        // THEN
        assertThat(parameters.prompt()).isEmpty();
        assertThat(parameters.negativePrompt()).isEmpty();
    }

    @Test
    void validate_should_keepPromptAsWritten_when_itHasSurroundingSpaces() {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("prompt", "  slow pan \n")).prompt()).isEqualTo("  slow pan \n");
    }

    // --- cfgScale ---------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"0, 0.0", "1, 1.0", "0.5, 0.5", "' 0.25 ', 0.25", ".7, 0.7", "1.0, 1.0", "5e-1, 0.5", "-0, 0.0",
            "+0.3, 0.3"})
    void validate_should_acceptCfgScale_when_numberFrom0To1(String cfgScale, double expected) {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("cfgScale", cfgScale)).cfgScale()).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" "})
    void validate_should_leaveCfgScaleUnset_when_blank(String cfgScale) {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("cfgScale", cfgScale)).cfgScale()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0.1", "1.01", "5", "100", "1e999"})
    void validate_should_rejectCfgScale_when_outside0To1(String cfgScale) {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("cfgScale", cfgScale))).containsExactly(
                new FieldError("cfgScale", "cfgScale " + cfgScale + " is outside 0 to 1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "abc", "0x1p-1", "0.5d", "0,5", "1/2"})
    void validate_should_rejectCfgScaleNamingTheValue_when_notAPlainNumber(String cfgScale) {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("cfgScale", cfgScale))).containsExactly(
                new FieldError("cfgScale", "cfgScale '" + cfgScale + "' is not a number; use a value from 0 to 1"));
    }

    // --- aspectRatio ------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"16:9, 16:9", "9:16, 9:16", "1:1, 1:1", "' 1:1 ', 1:1"})
    void validate_should_acceptAspectRatio_when_supported(String aspectRatio, String expected) {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("aspectRatio", aspectRatio)).aspectRatio()).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void validate_should_leaveAspectRatioUnset_when_blank(String aspectRatio) {
        // GIVEN / WHEN / THEN
        assertThat(valid(with("aspectRatio", aspectRatio)).aspectRatio()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4:3", "16/9", "16:9:1"})
    void validate_should_rejectAspectRatio_when_notSupported(String aspectRatio) {
        // GIVEN / WHEN / THEN
        assertThat(errors(with("aspectRatio", aspectRatio))).containsExactly(new FieldError("aspectRatio",
                "aspectRatio '" + aspectRatio + "' is not supported; use one of 16:9, 9:16, 1:1"));
    }

    // --- all together -----------------------------------------------------------------------------

    @Test
    void validate_should_reportEveryError_when_everyFieldIsWrong() {
        // GIVEN
        String longPrompt = "x".repeat(2600);
        ParameterOverrides overrides = new ParameterOverrides(
                "kling-v9", "standard", "5.0", longPrompt, longPrompt, "abc", "4:3", null);

        // WHEN
        List<FieldError> errors = errors(overrides);

        // THEN one error per field, in field order
        assertThat(errors).extracting(FieldError::field).containsExactly(
                "model", "mode", "duration", "prompt", "negativePrompt", "cfgScale", "aspectRatio");
        assertThat(errors).extracting(FieldError::message).allSatisfy(m -> assertThat(m).isNotBlank());
    }

    @Test
    void validate_should_reportOnlyTheBrokenFields_when_twoAreWrong() {
        // GIVEN
        ParameterOverrides overrides = new ParameterOverrides("kling-v2-6", "pro", "7", "", "", "NaN", null, null);

        // WHEN
        List<FieldError> errors = errors(overrides);

        // THEN
        assertThat(errors).containsExactly(
                new FieldError("duration", "duration '7' is not supported; use 5 or 10"),
                new FieldError("cfgScale", "cfgScale 'NaN' is not a number; use a value from 0 to 1"));
    }

    @Test
    void value_should_throw_when_resultIsInvalid() {
        // GIVEN
        ValidationResult<GenerationParameters> result = ParameterValidator.validate(ParameterOverrides.NONE);

        // WHEN / THEN
        assertThat(result.errors()).extracting(FieldError::field).containsExactly("model", "mode", "duration");
        assertThatThrownBy(result::value).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalid_should_refuse_when_noErrorsAreGiven() {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> ValidationResult.invalid(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    // --- end frame (imageTail) -------------------------------------------------------------------

    @Test
    void validate_should_refuseTheEndFrame_when_modelTakesNone() {
        // GIVEN an upload that names an end frame for a model that takes none
        ParameterOverrides overrides = new ParameterOverrides("kling-v2-master", "pro", "5", "p", "", null, null,
                "inputs/end.png");

        // WHEN / THEN
        assertThat(errors(overrides)).extracting(FieldError::field).containsExactly("imageTail");
    }

    @Test
    void validate_should_refuseTheEndFrame_when_modeDoesNotTakeOne() {
        // GIVEN / WHEN an API request (its end frame is not a key) for kling-v2-1 in std mode
        ValidationResult<GenerationParameters> result = ParameterValidator.validate(VALID, true);

        // THEN
        assertThat(result.errors()).containsExactly(new FieldError("imageTail", "imageTail (an end frame) is not"
                + " supported by kling-v2-1 with mode std and duration 5; it takes one with: pro 5 s, pro 10 s"));
    }

    @Test
    void validate_should_acceptTheEndFrame_when_combinationTakesOne() {
        // GIVEN / WHEN / THEN
        assertThat(ParameterValidator.validate(with("mode", "pro"), true).isValid()).isTrue();
        assertThat(valid(new ParameterOverrides("kling-v3", "std", "10", "p", "", null, null, "inputs/end.png"))
                .model()).isEqualTo("kling-v3");
    }

    @Test
    void validate_should_notJudgeTheEndFrame_when_modelOrModeIsAlreadyWrong() {
        // GIVEN an unknown model and an end frame: one error, for the model
        ParameterOverrides overrides = new ParameterOverrides("kling-v9", "std", "5", "p", "", null, null, "end.png");

        // WHEN / THEN
        assertThat(errors(overrides)).extracting(FieldError::field).containsExactly("model");
    }
}
