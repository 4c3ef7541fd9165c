package com.klingvideo.pipeline.local.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.local.LocalStackOptions;
import com.klingvideo.pipeline.local.RepositoryLayout;
import com.klingvideo.pipeline.local.SamTemplate;
import com.klingvideo.pipeline.local.lambda.InvocationRejectedException;
import com.klingvideo.pipeline.local.lambda.LambdaHost;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

/**
 * What the local stack created in moto is what template.yaml declares: a template change the local
 * stack does not follow fails here, not silently in a demo.
 */
class LocalStackMatchesTemplateIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Turns on the lifecycle rules and the time to live that are off by default, so that all are checked. */
    private static final Map<String, String> STORAGE = Map.of(
            "OutputTransitionDays", "30", "OutputExpirationDays", "365", "FinishedJobTtlDays", "30");

    @RegisterExtension
    static final LocalStackExtension LOCAL = new LocalStackExtension(state -> LocalStackOptions.forTests(state)
            .withParameters(STORAGE));
    private static final SamTemplate template = SamTemplate.read(RepositoryLayout.locate().template());

    @Test
    void table_should_haveTheTemplatesKeysAndIndexes() {
        JsonNode declared = template.properties("JobsTable");
        TableDescription table = LOCAL.stack().dynamoDb()
                .describeTable(b -> b.tableName(LOCAL.stack().endpoints().table())).table();

        assertThat(table.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
                .containsExactlyElementsOf(keys(declared.path("KeySchema")));
        assertThat(table.globalSecondaryIndexes()).extracting(i -> i.indexName())
                .containsExactlyInAnyOrderElementsOf(declared.path("GlobalSecondaryIndexes").findValuesAsText("IndexName"));
        for (JsonNode index : declared.path("GlobalSecondaryIndexes")) {
            var created = table.globalSecondaryIndexes().stream()
                    .filter(i -> i.indexName().equals(index.path("IndexName").asText())).findFirst().orElseThrow();
            assertThat(created.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
                    .containsExactlyElementsOf(keys(index.path("KeySchema")));
            assertThat(created.projection().projectionTypeAsString())
                    .isEqualTo(index.path("Projection").path("ProjectionType").asText());
            List<String> included = new ArrayList<>();
            index.path("Projection").path("NonKeyAttributes").forEach(attribute -> included.add(attribute.asText()));
            assertThat(created.projection().nonKeyAttributes()).containsExactlyInAnyOrderElementsOf(included);
        }
    }

    @Test
    void table_should_expireItemsOnTheTemplatesAttribute_when_FinishedJobTtlDaysIsSet() {
        TimeToLiveDescription ttl = LOCAL.stack().dynamoDb()
                .describeTimeToLive(b -> b.tableName(LOCAL.stack().endpoints().table())).timeToLiveDescription();

        assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(ttl.attributeName()).isEqualTo(
                template.properties("JobsTable").path("TimeToLiveSpecification").path("AttributeName").asText());
    }

    @Test
    void bucket_should_haveTheTemplatesLifecycleRulesWithTheStacksParameters() {
        Map<String, LifecycleRule> created = new HashMap<>();
        LOCAL.stack().s3().getBucketLifecycleConfiguration(b -> b.bucket(LOCAL.stack().endpoints().bucket()))
                .rules().forEach(rule -> created.put(rule.id(), rule));
        List<String> declared = new ArrayList<>();
        template.properties("MediaBucket").path("LifecycleConfiguration").path("Rules").forEach(rule ->
                declared.add(rule.has("Fn::If") ? rule.path("Fn::If").path(1).path("Id").asText() : rule.path("Id").asText()));

        // every rule is on with these parameters
        assertThat(created).containsOnlyKeys(declared);
        assertThat(created.values()).allSatisfy(rule -> assertThat(rule.statusAsString()).isEqualTo("Enabled"));
        assertThat(created.get("AbortIncompleteMultipartUploads").abortIncompleteMultipartUpload().daysAfterInitiation())
                .isEqualTo(1);
        assertThat(created.get("RemoveExpiredDeleteMarkers").expiration().expiredObjectDeleteMarker()).isTrue();
        assertThat(created.get("ExpireInputs").filter().prefix()).isEqualTo(parameter("InputPrefix"));
        assertThat(created.get("ExpireInputs").expiration().days()).hasToString(parameter("InputExpirationDays"));
        assertThat(created.get("ExpireApiInputs").filter().prefix()).isEqualTo("api-inputs/");
        assertThat(created.get("ExpireApiInputs").expiration().days()).hasToString(parameter("ApiInputExpirationDays"));
        assertThat(created.get("ExpireNoncurrentVersions").noncurrentVersionExpiration().noncurrentDays())
                .hasToString(parameter("NoncurrentVersionExpirationDays"));
        assertThat(created.get("TransitionOutputs").filter().prefix()).isEqualTo(parameter("OutputPrefix"));
        assertThat(created.get("TransitionOutputs").transitions()).singleElement().satisfies(t -> {
            assertThat(t.storageClassAsString()).isEqualTo("STANDARD_IA");
            assertThat(t.days()).isEqualTo(30);
        });
        assertThat(created.get("ExpireOutputs").filter().prefix()).isEqualTo(parameter("OutputPrefix"));
        assertThat(created.get("ExpireOutputs").expiration().days()).isEqualTo(365);
    }

    private static String parameter(String name) {
        return template.root().path("Parameters").path(name).path("Default").asText();
    }

    @Test
    void bucket_should_notifyTheSubmitFunctionWithTheTemplatesFilters() {
        List<LambdaFunctionConfiguration> created = LOCAL.stack().s3()
                .getBucketNotificationConfiguration(b -> b.bucket(LOCAL.stack().endpoints().bucket()))
                .lambdaFunctionConfigurations();
        Set<String> declared = new HashSet<>();
        for (var event : template.properties("SubmitFunction").path("Events").properties()) {
            if ("S3".equals(event.getValue().path("Type").asText())) {
                List<String> rules = new ArrayList<>();
                event.getValue().path("Properties").path("Filter").path("S3Key").path("Rules").forEach(r ->
                        rules.add(r.path("Name").asText().toLowerCase() + "=" + ruleValue(r.path("Value"))));
                declared.add(String.join(",", rules));
            }
        }
        Set<String> actual = new HashSet<>();
        for (LambdaFunctionConfiguration c : created) {
            assertThat(c.lambdaFunctionArn()).endsWith(":function:SubmitFunction:live");
            assertThat(c.eventsAsStrings()).containsExactly("s3:ObjectCreated:*");
            actual.add(String.join(",", c.filter().key().filterRules().stream()
                    .map(r -> r.nameAsString().toLowerCase() + "=" + r.value()).toList()));
        }
        // one notification for the whole input prefix (UploadIntake matches the suffixes)
        assertThat(actual).isEqualTo(declared).containsExactly("prefix=" + parameter("InputPrefix"));
    }

    @Test
    void stateMachine_should_beTheDefinitionFileWithTheSubstitutionsFilledIn() throws IOException {
        String definition = LOCAL.stack().stepFunctions().describeStateMachine(b -> b.stateMachineArn(
                LOCAL.stack().endpoints().stateMachineArn())).definition();
        String file = Files.readString(RepositoryLayout.locate().resolve(
                template.properties("VideoJobStateMachine").path("DefinitionUri").asText()));
        String expected = file.replace("${CheckStatusFunctionArn}",
                "arn:aws:lambda:us-east-1:123456789012:function:CheckStatusFunction:live");
        assertThat(JSON.readTree(definition)).isEqualTo(JSON.readTree(expected));
        assertThat(definition).doesNotContain("${");
    }

    @Test
    void lambdaHost_should_runEveryFunctionOfTheTemplate() {
        LambdaHost host = LOCAL.stack().lambdaHost();
        for (String function : template.resourcesOfType(SamTemplate.FUNCTION)) {
            // the alias ARN the template's events and state machine use reaches the function of that name
            // (an empty event is the function's to refuse: a run is what counts)
            long before = host.invocations(function);
            host.invoke("arn:aws:lambda:us-east-1:123456789012:function:" + function + ":live", "{}".getBytes());
            assertThat(host.invocations(function)).as(function).isEqualTo(before + 1);
        }
        assertThatThrownBy(() -> host.invoke("NotInTheTemplate", "{}".getBytes()))
                .isInstanceOf(InvocationRejectedException.class);
    }

    @Test
    void environment_should_comeFromTheTemplate() throws IOException {
        JsonNode endpoints = JSON.readTree(LOCAL.stack().endpointsFile().toFile());
        assertThat(endpoints.path("bucket").asText()).startsWith("kling-video-media-");
        assertThat(endpoints.path("inputPrefix").asText())
                .isEqualTo(template.root().path("Parameters").path("InputPrefix").path("Default").asText());
        assertThat(endpoints.path("apiUrl").asText()).endsWith("/" + template.properties("JobsApi")
                .path("StageName").asText());
    }

    private static List<String> keys(JsonNode schema) {
        List<String> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()));
        return keys;
    }

    private static String ruleValue(JsonNode value) {
        return value.isTextual() ? value.asText()
                : template.root().path("Parameters").path(value.path("Ref").asText()).path("Default").asText();
    }
}
