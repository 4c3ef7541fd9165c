package com.klingvideo.pipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntrinsicsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final JsonNode TEMPLATE = json("""
            {'Parameters': {'Prefix': {'Default': 'inputs/'}, 'Style': {'Default': 'official'}, 'Email': {'Default': ''}},
             'Conditions': {'HasEmail': {'Fn::Not': [{'Fn::Equals': [{'Ref': 'Email'}, '']}]}},
             'Resources': {}}""");

    private final Intrinsics intrinsics = new Intrinsics(TEMPLATE,
            Intrinsics.parameterValues(TEMPLATE, Map.of("Style", "gateway")),
            Map.of("AWS::Region", "us-east-1", "AWS::StackId",
                    "arn:aws:cloudformation:us-east-1:123456789012:stack/s/10ca1000-0000-4000-8000-000000000000"),
            (id, attribute) -> "Table".equals(id) ? (attribute == null ? "jobs" : "arn:" + attribute) : null);

    @Test
    void string_should_resolveRefsToParametersPseudoParametersAndResources() {
        assertThat(intrinsics.string(json("{'Ref': 'Prefix'}"))).isEqualTo("inputs/");
        assertThat(intrinsics.string(json("{'Ref': 'Style'}"))).isEqualTo("gateway");
        assertThat(intrinsics.string(json("{'Ref': 'AWS::Region'}"))).isEqualTo("us-east-1");
        assertThat(intrinsics.string(json("{'Ref': 'Table'}"))).isEqualTo("jobs");
        assertThat(intrinsics.string(json("{'Fn::GetAtt': ['Table', 'Arn']}"))).isEqualTo("arn:Arn");
    }

    @Test
    void string_should_evaluateTheBucketNameExpression_when_joinSelectSplitOnStackId() {
        JsonNode name = json("{'Fn::Join': ['-', ['kling-video-media', {'Fn::Select': [2, {'Fn::Split': ['/', "
                + "{'Ref': 'AWS::StackId'}]}]}]]}");
        assertThat(intrinsics.string(name)).isEqualTo("kling-video-media-10ca1000-0000-4000-8000-000000000000");
    }

    @Test
    void string_should_substituteVariables_when_subWithAndWithoutMap() {
        assertThat(intrinsics.string(json("{'Fn::Sub': 'arn:${AWS::Region}:${Table}/${Table.Arn}'}")))
                .isEqualTo("arn:us-east-1:jobs/arn:Arn");
        assertThat(intrinsics.string(json("{'Fn::Sub': ['${Name}/${Prefix}*', {'Name': 'bucket'}]}")))
                .isEqualTo("bucket/inputs/*");
    }

    @Test
    void resolve_should_evaluateInsideObjectsAndDropNoValue_when_aListHoldsConditionalItems() {
        // GIVEN lifecycle-style rules: one plain, one only when HasEmail holds (it does not), one with a Ref
        JsonNode rules = json("""
                [{'Id': 'Always', 'Days': 1},
                 {'Fn::If': ['HasEmail', {'Id': 'WithEmail'}, {'Ref': 'AWS::NoValue'}]},
                 {'Fn::If': ['HasEmail', {'Ref': 'AWS::NoValue'}, {'Id': 'WithoutEmail', 'Prefix': {'Ref': 'Prefix'},
                   'Enabled': {'Fn::If': ['HasEmail', true, false]}, 'Tail': {'Ref': 'AWS::NoValue'}}]}]""");

        // WHEN / THEN the false branch's NoValue leaves no item, and nested intrinsics are evaluated
        assertThat(intrinsics.resolve(rules)).isEqualTo(json("""
                [{'Id': 'Always', 'Days': 1}, {'Id': 'WithoutEmail', 'Prefix': 'inputs/', 'Enabled': false}]"""));
    }

    @Test
    void condition_should_evaluateEqualsNotAndIf() {
        assertThat(intrinsics.condition("HasEmail")).isFalse();
        assertThat(intrinsics.string(json("{'Fn::If': ['HasEmail', 'yes', 'no']}"))).isEqualTo("no");
    }

    @Test
    void evaluate_should_failNamingTheExpression_when_unknown() {
        assertThatThrownBy(() -> intrinsics.string(json("{'Ref': 'Nothing'}")))
                .hasMessageContaining("Nothing");
        assertThatThrownBy(() -> intrinsics.string(json("{'Fn::ImportValue': 'x'}")))
                .hasMessageContaining("Fn::ImportValue");
        assertThatThrownBy(() -> Intrinsics.parameterValues(TEMPLATE, Map.of("Typo", "x")))
                .hasMessageContaining("Typo");
    }
}
