package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.domain.failure.InvalidSidecarException;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.ParameterOverrides;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterSourcesTest {

    private static final String KNOWN =
            "known fields: prompt, negativePrompt, model, mode, duration, cfgScale, aspectRatio, imageTail";

    private static ParameterOverrides sidecar(String json) {
        return ParameterSources.fromSidecar(json.getBytes(StandardCharsets.UTF_8));
    }

    // --- metadata ---------------------------------------------------------------------------------

    @Test
    void fromMetadata_should_readEveryKey_when_allAreSet() {
        // GIVEN user metadata as S3 returns it: lower case, without x-amz-meta-
        Map<String, String> metadata = Map.of(
                "prompt", "a red mug turning",
                "negative-prompt", "blur",
                "model", "kling-v2-1",
                "mode", "pro",
                "duration", "10",
                "cfg-scale", "0.4",
                "aspect-ratio", "9:16",
                "image-tail", "input/mug-end.png");

        // WHEN
        ParameterOverrides overrides = ParameterSources.fromMetadata(metadata);

        // THEN
        assertThat(overrides).isEqualTo(new ParameterOverrides(
                "kling-v2-1", "pro", "10", "a red mug turning", "blur", "0.4", "9:16", "input/mug-end.png"));
    }

    @Test
    void fromMetadata_should_ignoreOtherKeys_when_metadataHasOtherUses() {
        // GIVEN
        Map<String, String> metadata = Map.of("uploaded-by", "studio-3", "promt", "typo", "mode", "std");

        // WHEN
        ParameterOverrides overrides = ParameterSources.fromMetadata(metadata);

        // THEN
        assertThat(overrides).isEqualTo(new ParameterOverrides(null, "std", null, null, null, null, null, null));
    }

    @Test
    void fromMetadata_should_setNothing_when_valuesAreBlank() {
        // GIVEN
        Map<String, String> metadata = new HashMap<>();
        metadata.put("prompt", "");
        metadata.put("model", "   ");
        metadata.put("mode", null);
        metadata.put("negative-prompt", "=?UTF-8?B??=");

        // WHEN
        ParameterOverrides overrides = ParameterSources.fromMetadata(metadata);

        // THEN
        assertThat(overrides.isEmpty()).isTrue();
    }

    @Test
    void fromMetadata_should_matchKeys_when_givenInAnotherCase() {
        // GIVEN a map built by hand rather than by the SDK
        Map<String, String> metadata = Map.of("Negative-Prompt", "blur");

        // WHEN / THEN
        assertThat(ParameterSources.fromMetadata(metadata).negativePrompt()).isEqualTo("blur");
    }

    @Test
    void fromMetadata_should_decodeBase64EncodedWord_when_valueIsNotAscii() {
        // GIVEN "Tasse à café, tournant lentement ☕" as S3 returns it
        Map<String, String> metadata = Map.of("prompt", "=?UTF-8?B?VGFzc2Ugw6AgY2Fmw6ksIHRvdXJuYW50IGxlbnRlbWVudCDimJU=?=");

        // WHEN / THEN
        assertThat(ParameterSources.fromMetadata(metadata).prompt()).isEqualTo("Tasse à café, tournant lentement ☕");
    }

    @Test
    void fromMetadata_should_decodeQuotedPrintableEncodedWord_when_valueIsNotAscii() {
        // GIVEN "café crème" in Q encoding: "_" is a space, "=XX" a byte
        Map<String, String> metadata = Map.of("prompt", "=?utf-8?q?caf=C3=A9_cr=C3=A8me?=");

        // WHEN / THEN
        assertThat(ParameterSources.fromMetadata(metadata).prompt()).isEqualTo("café crème");
    }

    @Test
    void fromMetadata_should_leaveAsciiValuesAlone_when_theyLookAlmostEncoded() {
        // GIVEN text with "=?" that is not an encoded-word
        Map<String, String> metadata = Map.of("prompt", "a=?b, 50% off =?=");

        // WHEN / THEN
        assertThat(ParameterSources.fromMetadata(metadata).prompt()).isEqualTo("a=?b, 50% off =?=");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // adjacent words: the whitespace between them is dropped
            "=?UTF-8?B?w6k=?= =?UTF-8?B?w6g=?=|éè",
            // a two-byte character split across two words
            "=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=|été",
            // plain text around a word keeps its spaces
            "Mug =?UTF-8?Q?=C3=A0?= turn|Mug à turn",
            // another charset, and a language tag (RFC 2231)
            "=?ISO-8859-1?Q?caf=E9?=|café",
            "=?UTF-8*fr?B?w6k=?=|é",
            // lower-case encoding letter, missing base64 padding
            "=?UTF-8?b?w6k?=|é",
            // malformed words stay as written
            "=?UTF-8?B?***?=|=?UTF-8?B?***?=",
            "=?UTF-8?Q?caf=E?=|=?UTF-8?Q?caf=E?=",
            "=?NO-SUCH-CHARSET?Q?abc?=|=?NO-SUCH-CHARSET?Q?abc?=",
            "=?UTF-8?X?abc?=|=?UTF-8?X?abc?="})
    void decode_should_followRfc2047_when_valueHasEncodedWords(String encoded, String decoded) {
        // GIVEN / WHEN / THEN
        assertThat(EncodedWords.decode(encoded)).isEqualTo(decoded);
    }

    // --- sidecar ----------------------------------------------------------------------------------

    @Test
    void fromSidecar_should_readEveryField_when_camelCase() {
        // GIVEN
        String json = """
                {"prompt": "a red mug turning", "negativePrompt": "blur", "model": "kling-v2-6",
                 "mode": "pro", "duration": "10", "cfgScale": 0.7, "aspectRatio": "1:1",
                 "imageTail": "input/mug-end.jpg"}
                """;

        // WHEN
        ParameterOverrides overrides = sidecar(json);

        // THEN
        assertThat(overrides).isEqualTo(new ParameterOverrides(
                "kling-v2-6", "pro", "10", "a red mug turning", "blur", "0.7", "1:1", "input/mug-end.jpg"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"_", "-"})
    void fromSidecar_should_acceptSnakeAndKebabNames_when_writtenThatWay(String separator) {
        // GIVEN
        String json = """
                {"negative#prompt": "blur", "cfg#scale": "0.2", "aspect#ratio": "16:9", "image#tail": "end.png"}
                """.replace("#", separator);

        // WHEN
        ParameterOverrides overrides = sidecar(json);

        // THEN
        assertThat(overrides).isEqualTo(new ParameterOverrides(null, null, null, null, "blur", "0.2", "16:9", "end.png"));
    }

    @ParameterizedTest
    @CsvSource({"5, 5", "10, 10", "'\"5\"', 5", "5.0, 5.0"})
    void fromSidecar_should_keepDurationAsText_when_stringOrNumber(String value, String expected) {
        // GIVEN / WHEN / THEN 5.0 stays "5.0" so that validation rejects it by name
        assertThat(sidecar("{\"duration\": " + value + "}").duration()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0.5, 0.5", "1, 1", "0, 0", "'\"0.25\"', 0.25", "'\"abc\"', abc"})
    void fromSidecar_should_keepCfgScaleAsText_when_numberOrString(String value, String expected) {
        // GIVEN / WHEN / THEN a non-numeric string is left for the validator to name
        assertThat(sidecar("{\"cfgScale\": " + value + "}").cfgScale()).isEqualTo(expected);
    }

    @Test
    void fromSidecar_should_setNothing_when_valuesAreNull() {
        // GIVEN / WHEN / THEN
        assertThat(sidecar("{\"prompt\": null, \"duration\": null}").isEmpty()).isTrue();
    }

    @Test
    void fromSidecar_should_keepEmptyString_when_itClearsALowerLayer() {
        // GIVEN defaults with an aspect ratio and a negative prompt, and a sidecar that clears both
        ParameterOverrides defaults = ParameterSources.fromDefaults("kling-v1", "std", "5", "spin", "blur", null, "16:9");

        // WHEN
        ParameterOverrides resolved = defaults.overlay(sidecar("{\"negativePrompt\": \"\", \"aspectRatio\": \"\"}"));

        // THEN
        assertThat(resolved.negativePrompt()).isEmpty();
        assertThat(ParameterValidator.validate(resolved).value().aspectRatio()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\\n\\t "})
    void fromSidecar_should_leaveTheDefaultPrompt_when_promptIsBlank(String blank) {
        // GIVEN the default prompt, and a sidecar whose prompt is empty or only whitespace
        ParameterOverrides defaults = ParameterSources.fromDefaults("kling-v2-1", "std", "5", "spin", null, null, null);

        // WHEN
        ParameterOverrides sidecar = sidecar("{\"prompt\": \"" + blank + "\"}");

        // THEN a blank prompt is no prompt: the default stays (gateways refuse a blank one)
        assertThat(sidecar.prompt()).isNull();
        assertThat(ParameterValidator.validate(defaults.overlay(sidecar)).value().prompt()).isEqualTo("spin");
    }

    @Test
    void fromSidecar_should_rejectNamingTheTypo_when_fieldIsUnknown() {
        // GIVEN a typo that would otherwise drop the prompt and still cost a video
        String json = "{\"promt\": \"a red mug turning\"}";

        // WHEN / THEN
        assertThatThrownBy(() -> sidecar(json))
                .isInstanceOf(InvalidSidecarException.class)
                .hasMessage("unknown field 'promt' in sidecar; " + KNOWN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\": 5}|field 'prompt' in sidecar must be a string, found number 5",
            "{\"model\": true}|field 'model' in sidecar must be a string, found boolean true",
            "{\"mode\": [\"pro\"]}|field 'mode' in sidecar must be a string, found array",
            "{\"image_tail\": {\"key\": \"a.png\"}}|field 'image_tail' in sidecar must be a string, found object",
            "{\"duration\": false}|field 'duration' in sidecar must be a string or number, found boolean false",
            "{\"cfg-scale\": {}}|field 'cfg-scale' in sidecar must be a string or number, found object"})
    void fromSidecar_should_rejectNamingFieldAndType_when_valueHasTheWrongType(String json, String message) {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> sidecar(json))
                .isInstanceOf(InvalidSidecarException.class)
                .hasMessage(message);
    }

    @Test
    void fromSidecar_should_reportEveryProblem_when_severalFieldsAreWrong() {
        // GIVEN
        String json = "{\"prompt\": 1, \"negative_prompt\": \"a\", \"negativePrompt\": \"b\", \"seed\": 7}";

        // WHEN / THEN
        assertThatThrownBy(() -> sidecar(json))
                .isInstanceOf(InvalidSidecarException.class)
                .hasMessage("field 'prompt' in sidecar must be a string, found number 1; "
                        + "field 'negativePrompt' in sidecar repeats 'negative_prompt'; "
                        + "unknown field 'seed' in sidecar; " + KNOWN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1, 2]|sidecar must be a JSON object, found array",
            "\"prompt\"|sidecar must be a JSON object, found string \"prompt\"",
            "42|sidecar must be a JSON object, found number 42",
            "null|sidecar must be a JSON object, found null"})
    void fromSidecar_should_reject_when_jsonIsNotAnObject(String json, String message) {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> sidecar(json))
                .isInstanceOf(InvalidSidecarException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"prompt\": \"a\",}", "{prompt: \"a\"}", "{\"prompt\": \"a\"", "{} {}",
            "{\"prompt\": \"a\", \"prompt\": \"b\"}"})
    void fromSidecar_should_rejectWithLocation_when_notValidJson(String json) {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> sidecar(json))
                .isInstanceOf(InvalidSidecarException.class)
                .hasMessageStartingWith("sidecar is not valid JSON: ")
                .hasMessageContaining("(line 1, column ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\": \"a\"|sidecar is not valid JSON: it ends before the JSON is complete (line 1, column 15)",
            "{} {}|sidecar is not valid JSON: more content follows the first value (line 1, column 4)",
            "{\"prompt\": \"a\", \"prompt\": \"b\"}|sidecar is not valid JSON: Duplicate field 'prompt' (line 1, column 25)"})
    void fromSidecar_should_sayWhatIsWrongInPlainWords_when_jsonIsIncompleteOrHasTrailingContent(String json,
                                                                                                String message) {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> sidecar(json))
                .isInstanceOf(InvalidSidecarException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  \n"})
    void fromSidecar_should_reject_when_empty(String json) {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> sidecar(json))
                .isInstanceOf(InvalidSidecarException.class)
                .hasMessage("sidecar is empty; expected a JSON object");
    }

    // --- defaults ---------------------------------------------------------------------------------

    @Test
    void fromDefaults_should_setNothing_when_valuesAreBlank() {
        // GIVEN / WHEN
        ParameterOverrides defaults = ParameterSources.fromDefaults("kling-v2-1", "", " ", null, "", "", "");

        // THEN
        assertThat(defaults).isEqualTo(new ParameterOverrides("kling-v2-1", null, null, null, null, null, null, null));
    }

    @Test
    void fromDefaults_should_keepEveryValue_when_allAreSet() {
        // GIVEN / WHEN
        ParameterOverrides defaults = ParameterSources.fromDefaults("kling-v1", "std", "5", "spin", "blur", "0.5", "1:1");

        // THEN
        assertThat(defaults).isEqualTo(new ParameterOverrides("kling-v1", "std", "5", "spin", "blur", "0.5", "1:1", null));
    }

    // --- layers together --------------------------------------------------------------------------

    @Test
    void layers_should_resolveToTheTopValue_when_overlaidAndValidated() {
        // GIVEN defaults, then metadata, then a sidecar, each overriding some values
        ParameterOverrides defaults = ParameterSources.fromDefaults("kling-v2-1", "std", "5", "turn slowly", "", "", "");
        ParameterOverrides metadata = ParameterSources.fromMetadata(Map.of("mode", "pro", "duration", "10"));
        ParameterOverrides sidecar = sidecar("{\"duration\": 5, \"cfgScale\": 0.3}");

        // WHEN
        ValidationResult<GenerationParameters> result = ParameterValidator.validate(
                defaults.overlay(metadata).overlay(sidecar));

        // THEN
        assertThat(result.value()).isEqualTo(
                new GenerationParameters("kling-v2-1", "pro", "5", "turn slowly", "", 0.3, null));
    }
}
