package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.klingvideo.pipeline.local.lambda.LambdaHost;
import com.klingvideo.pipeline.local.lambda.LocalFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;
import software.amazon.awssdk.services.s3.model.LifecycleExpiration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.Transition;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Creates the template's resources in moto and registers its functions with the local Lambda host:
 * the bucket with its versioning, lifecycle rules and notification (same key filters),
 * the tables with their keys, indexes and time to live, the state machine from {@code statemachine/} with its DefinitionSubstitutions, and every
 * function with the environment the template gives it. Names and values come from the template
 * through {@link Intrinsics}; only endpoints and credentials are local.
 */
final class TemplateDeployer {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    private final RepositoryLayout repo;
    private final SamTemplate template;
    private final LocalNames names;
    private final Intrinsics intrinsics;

    TemplateDeployer(RepositoryLayout repo, SamTemplate template, Map<String, String> parameterOverrides) {
        this.repo = repo;
        this.template = template;
        this.names = new LocalNames(template);
        Map<String, String> pseudo = Map.of(
                "AWS::Region", LocalNames.REGION,
                "AWS::AccountId", LocalNames.ACCOUNT,
                "AWS::StackName", LocalNames.STACK_NAME,
                "AWS::StackId", LocalNames.STACK_ID,
                "AWS::Partition", "aws",
                "AWS::URLSuffix", "amazonaws.com");
        this.intrinsics = new Intrinsics(template.root(), Intrinsics.parameterValues(template.root(), parameterOverrides),
                pseudo, names::resolve);
        names.bind(intrinsics);
    }

    String ref(String logicalId) {
        return names.resolve(logicalId, null);
    }

    String parameter(String name) {
        return intrinsics.string(JsonNodeFactory.instance.objectNode().put("Ref", name));
    }

    /** The one resource of a type, by logical id. */
    String only(String type) {
        List<String> ids = template.resourcesOfType(type);
        if (ids.size() != 1) {
            throw new IllegalStateException("expected one " + type + " in the template, found " + ids);
        }
        return ids.get(0);
    }

    /** Creates every table of the template. */
    void createTables(DynamoDbClient dynamo) {
        for (String id : template.resourcesOfType("AWS::DynamoDB::Table")) {
            createTable(dynamo, id);
        }
    }

    private void createTable(DynamoDbClient dynamo, String id) {
        JsonNode p = template.properties(id);
        List<AttributeDefinition> attributes = new ArrayList<>();
        p.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        p.path("GlobalSecondaryIndexes").forEach(g -> indexes.add(GlobalSecondaryIndex.builder()
                .indexName(g.path("IndexName").asText())
                .keySchema(keys(g.path("KeySchema")))
                .projection(projection(g.path("Projection")))
                .build()));
        String name = ref(id);
        dynamo.createTable(CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.fromValue(p.path("BillingMode").asText("PAY_PER_REQUEST")))
                .attributeDefinitions(attributes)
                .keySchema(keys(p.path("KeySchema")))
                .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
                .build());
        JsonNode ttl = intrinsics.resolve(p.path("TimeToLiveSpecification"));
        if (ttl.path("Enabled").asBoolean(false)) {
            dynamo.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(t -> t
                    .attributeName(ttl.path("AttributeName").asText()).enabled(true)));
        }
    }

    private static Projection projection(JsonNode projection) {
        List<String> included = new ArrayList<>();
        projection.path("NonKeyAttributes").forEach(attribute -> included.add(attribute.asText()));
        return Projection.builder()
                .projectionType(projection.path("ProjectionType").asText())
                .nonKeyAttributes(included.isEmpty() ? null : included)
                .build();
    }

    private static List<KeySchemaElement> keys(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

    void createBucket(S3Client s3) {
        String id = only("AWS::S3::Bucket");
        String bucket = ref(id);
        s3.createBucket(b -> b.bucket(bucket));
        if ("Enabled".equals(template.properties(id).path("VersioningConfiguration").path("Status").asText())) {
            s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
        List<LifecycleRule> rules = lifecycleRules(id);
        if (!rules.isEmpty()) {
            s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(rules)));
        }
    }

    private static final Set<String> LIFECYCLE_FIELDS = Set.of("Id", "Status", "Prefix", "ExpirationInDays",
            "ExpiredObjectDeleteMarker", "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload", "Transitions");

    /**
     * The bucket's lifecycle rules as the S3 API takes them, with the template's conditions applied (a rule
     * whose parameter is 0 is not there). A field this mapping does not know is an error, not left out.
     */
    List<LifecycleRule> lifecycleRules(String bucketId) {
        JsonNode declared = intrinsics.resolve(template.properties(bucketId).path("LifecycleConfiguration").path("Rules"));
        List<LifecycleRule> rules = new ArrayList<>();
        for (JsonNode r : declared) {
            r.fieldNames().forEachRemaining(field -> {
                if (!LIFECYCLE_FIELDS.contains(field)) {
                    throw new IllegalStateException("lifecycle rule " + r.path("Id").asText() + ": the local stack does not apply "
                            + field);
                }
            });
            LifecycleRule.Builder rule = LifecycleRule.builder()
                    .id(r.path("Id").asText())
                    .status(ExpirationStatus.fromValue(r.path("Status").asText()))
                    .filter(f -> f.prefix(r.path("Prefix").asText("")));
            if (r.has("ExpirationInDays") || r.has("ExpiredObjectDeleteMarker")) {
                LifecycleExpiration.Builder expiration = LifecycleExpiration.builder();
                if (r.has("ExpirationInDays")) {
                    expiration.days(r.path("ExpirationInDays").asInt());
                }
                if (r.has("ExpiredObjectDeleteMarker")) {
                    expiration.expiredObjectDeleteMarker(r.path("ExpiredObjectDeleteMarker").asBoolean());
                }
                rule.expiration(expiration.build());
            }
            if (r.has("NoncurrentVersionExpiration")) {
                rule.noncurrentVersionExpiration(n -> n.noncurrentDays(
                        r.path("NoncurrentVersionExpiration").path("NoncurrentDays").asInt()));
            }
            if (r.has("AbortIncompleteMultipartUpload")) {
                rule.abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(
                        r.path("AbortIncompleteMultipartUpload").path("DaysAfterInitiation").asInt()));
            }
            List<Transition> transitions = new ArrayList<>();
            r.path("Transitions").forEach(t -> transitions.add(Transition.builder()
                    .storageClass(TransitionStorageClass.fromValue(t.path("StorageClass").asText()))
                    .days(t.path("TransitionInDays").asInt())
                    .build()));
            if (!transitions.isEmpty()) {
                rule.transitions(transitions);
            }
            rules.add(rule.build());
        }
        return rules;
    }

    /** The S3 events of every function, as the bucket's notification configuration. */
    void configureNotifications(S3Client s3) {
        String bucketId = only("AWS::S3::Bucket");
        List<LambdaFunctionConfiguration> configurations = new ArrayList<>();
        for (String function : template.resourcesOfType(SamTemplate.FUNCTION)) {
            for (Map.Entry<String, JsonNode> event : template.properties(function).path("Events").properties()) {
                JsonNode e = event.getValue();
                if (!"S3".equals(e.path("Type").asText())) {
                    continue;
                }
                JsonNode props = e.path("Properties");
                if (!bucketId.equals(props.path("Bucket").path("Ref").asText())) {
                    throw new IllegalStateException(function + "." + event.getKey() + " listens to another bucket");
                }
                List<FilterRule> rules = new ArrayList<>();
                props.path("Filter").path("S3Key").path("Rules").forEach(r -> rules.add(FilterRule.builder()
                        // moto wants the rule names in lower case, as the template writes them.
                        .name(r.path("Name").asText().toLowerCase(Locale.ROOT))
                        .value(intrinsics.string(r.path("Value")))
                        .build()));
                List<String> events = new ArrayList<>();
                JsonNode names = props.path("Events");
                if (names.isArray()) {
                    names.forEach(n -> events.add(n.asText()));
                } else {
                    events.add(names.asText());
                }
                configurations.add(LambdaFunctionConfiguration.builder()
                        .id(function + event.getKey())
                        .lambdaFunctionArn(this.names.resolve(function, "Alias"))
                        .eventsWithStrings(events)
                        .filter(f -> f.key(k -> k.filterRules(rules)))
                        .build());
            }
        }
        s3.putBucketNotificationConfiguration(b -> b.bucket(ref(bucketId))
                .notificationConfiguration(n -> n.lambdaFunctionConfigurations(configurations)));
    }

    /** Creates the template's queues; returns their URLs by logical id. */
    Map<String, String> createQueues(SqsClient sqs) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String id : template.resourcesOfType("AWS::SQS::Queue")) {
            String name = names.resolve(id, "QueueName");
            urls.put(id, sqs.createQueue(b -> b.queueName(name)).queueUrl());
        }
        return urls;
    }

    /**
     * The queue a function's failed asynchronous invocations go to ({@code EventInvokeConfig
     * DestinationConfig OnFailure} of type SQS), by the queue's logical id; null when it has none.
     */
    String onFailureQueue(String functionId) {
        JsonNode onFailure = template.properties(functionId).path("EventInvokeConfig").path("DestinationConfig")
                .path("OnFailure");
        if (!"SQS".equals(onFailure.path("Type").asText())) {
            return null;
        }
        JsonNode getAtt = onFailure.path("Destination").path("Fn::GetAtt");
        if (!getAtt.isArray() || !"Arn".equals(getAtt.path(1).asText())) {
            throw new IllegalStateException(functionId + ": OnFailure destination must be !GetAtt <queue>.Arn");
        }
        return getAtt.path(0).asText();
    }

    /** Creates the state machine from its definition file with the template's substitutions; returns its ARN. */
    String createStateMachine(SfnClient sfn) {
        String id = only("AWS::Serverless::StateMachine");
        JsonNode p = template.properties(id);
        String definition;
        try {
            definition = Files.readString(repo.resolve(p.path("DefinitionUri").asText()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state machine definition", e);
        }
        Map<String, String> substitutions = intrinsics.strings(p.path("DefinitionSubstitutions"));
        Matcher m = PLACEHOLDER.matcher(definition);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            String value = substitutions.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("the definition uses ${" + m.group(1) + "} but the template does not substitute it");
            }
            m.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        m.appendTail(resolved);
        String name = names.resolve(id, "Name");
        return sfn.createStateMachine(b -> b
                .name(name)
                .definition(resolved.toString())
                .type(p.path("Type").asText("STANDARD"))
                .roleArn("arn:aws:iam::" + LocalNames.ACCOUNT + ":role/" + name + "-role"))
                .stateMachineArn();
    }

    /**
     * Registers every function of the template with the Lambda host.
     *
     * @param runtime what Lambda itself puts in a function's environment (region, credentials, endpoints)
     * @param tuning  extra variables for local runs (shorter poll waits), applied last
     */
    Map<String, LocalFunction> registerFunctions(LambdaHost host, Map<String, String> runtime, Map<String, String> tuning) {
        Map<String, LocalFunction> functions = new LinkedHashMap<>();
        for (String id : template.resourcesOfType(SamTemplate.FUNCTION)) {
            Map<String, String> env = new HashMap<>();
            env.putAll(intrinsics.strings(template.globalFunction().path("Environment").path("Variables")));
            env.putAll(intrinsics.strings(template.properties(id).path("Environment").path("Variables")));
            env.putAll(runtime);
            env.put("AWS_LAMBDA_FUNCTION_NAME", id);
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", template.functionProperty(id, "MemorySize").asText("128"));
            env.putAll(tuning);
            JsonNode retries = template.properties(id).path("EventInvokeConfig").path("MaximumRetryAttempts");
            LocalFunction function = new LocalFunction(id,
                    template.functionProperty(id, "Handler").asText(),
                    env,
                    Duration.ofSeconds(template.functionProperty(id, "Timeout").asLong(3)),
                    retries.isMissingNode() ? 2 : retries.asInt());
            host.register(function);
            functions.put(id, function);
        }
        return functions;
    }

    String functionArn(String logicalId) {
        return names.resolve(logicalId, "Alias");
    }

    /** A function the template runs on a schedule ({@code Schedule} or {@code ScheduleV2} events). */
    record Schedule(String functionId, String event, Duration every) {
    }

    /** Every scheduled event of every function; only {@code rate(...)} expressions are understood. */
    List<Schedule> schedules() {
        List<Schedule> schedules = new ArrayList<>();
        for (String function : template.resourcesOfType(SamTemplate.FUNCTION)) {
            for (Map.Entry<String, JsonNode> event : template.properties(function).path("Events").properties()) {
                String type = event.getValue().path("Type").asText();
                if (!type.equals("Schedule") && !type.equals("ScheduleV2")) {
                    continue;
                }
                String expression = event.getValue().path("Properties")
                        .path(type.equals("Schedule") ? "Schedule" : "ScheduleExpression").asText();
                schedules.add(new Schedule(function, event.getKey(), rate(function + "." + event.getKey(), expression)));
            }
        }
        return schedules;
    }

    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    static Duration rate(String where, String expression) {
        Matcher m = RATE.matcher(expression.trim());
        if (!m.matches()) {
            throw new IllegalStateException(where + ": the local stack runs rate(...) schedules only, not " + expression);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(n);
            case "hour", "hours" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
