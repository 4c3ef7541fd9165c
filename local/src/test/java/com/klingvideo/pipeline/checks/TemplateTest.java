package com.klingvideo.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.aws.JobItemMapper;
import com.klingvideo.pipeline.config.Tuning;
import com.klingvideo.pipeline.domain.ModelCapabilities;
import com.klingvideo.pipeline.local.RepositoryLayout;
import com.klingvideo.pipeline.local.SamTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Java code and the operators rely on in {@code template.yaml}, checked without AWS.
 * cfn-lint (run by {@code .ci/run}) checks the template against CloudFormation itself.
 */
class TemplateTest {
    private static final Set<String> FUNCTIONS =
            Set.of("SubmitFunction", "CheckStatusFunction", "JobsApiFunction", "ReaperFunction");
    /** Read by the functions' composition root; every function gets all of them. */
    private static final Set<String> SHARED_ENVIRONMENT = Set.of(
            "JOBS_TABLE", "CAPACITY_TABLE", "STATE_MACHINE_ARN", "MEDIA_BUCKET", "INPUT_PREFIX", "OUTPUT_PREFIX",
            "API_INPUT_PREFIX", "KLING_API_STYLE", "KLING_BASE_URL",
            "KLING_CONCURRENCY_LIMIT", "MAX_QUEUE_HOURS", "INTAKE_PROBE_SECONDS",
            "DEFAULT_MODEL", "DEFAULT_MODE", "DEFAULT_DURATION", "DEFAULT_PROMPT", "DEFAULT_NEGATIVE_PROMPT",
            "DEFAULT_CFG_SCALE", "DEFAULT_ASPECT_RATIO", "IMAGE_TRANSPORT",
            "PRESIGN_TTL_SECONDS", "SUBMIT_DEADLINE_MINUTES", "MAX_POLL_MINUTES", "FINISHED_JOB_TTL_DAYS",
            "JAVA_TOOL_OPTIONS");
    /**
     * The only statement allowed on Resource "*": Step Functions log delivery, whose CloudWatch Logs
     * actions take no resource ARN.
     */
    private static final Map<String, Set<String>> WILDCARD_RESOURCE_EXCEPTIONS = Map.of(
            "DeliverExecutionLogs", Set.of(
                    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SamTemplate template;

    @BeforeAll
    static void readTemplate() {
        template = SamTemplate.read(RepositoryLayout.locate().template());
    }

    @Test
    void template_should_declare_exactly_the_four_functions() {
        assertThat(template.resourcesOfType(SamTemplate.FUNCTION)).containsExactlyInAnyOrderElementsOf(FUNCTIONS);
    }

    /**
     * Expected to fail until the entrypoint classes (SubmitHandler, CheckStatusHandler, JobsApiHandler
     * in com.klingvideo.pipeline.entrypoints) are in the function module: a template pointing at a
     * class that does not exist deploys fine and fails on the first event.
     */
    @Test
    void every_handler_should_be_a_lambda_handler_class_in_the_function_module() {
        List<String> problems = new ArrayList<>();
        for (String function : template.resourcesOfType(SamTemplate.FUNCTION)) {
            String handler = template.functionProperty(function, "Handler").asText();
            if (!handler.matches("[\\w.$]+::handleRequest")) {
                problems.add(function + ": Handler '" + handler + "' is not <class>::handleRequest");
                continue;
            }
            String className = handler.substring(0, handler.indexOf("::"));
            try {
                Class<?> type = Class.forName(className);
                if (!RequestHandler.class.isAssignableFrom(type) && !RequestStreamHandler.class.isAssignableFrom(type)) {
                    problems.add(function + ": " + className + " implements neither RequestHandler nor RequestStreamHandler");
                }
            } catch (ClassNotFoundException e) {
                problems.add(function + ": handler class " + className + " is not in functions/video-pipeline");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void functions_should_run_java21_with_snapstart_on_the_live_alias() {
        for (String function : FUNCTIONS) {
            assertThat(template.functionProperty(function, "Runtime").asText()).as(function).isEqualTo("java21");
            assertThat(template.functionProperty(function, "SnapStart").path("ApplyOn").asText())
                    .as(function).isEqualTo("PublishedVersions");
            assertThat(template.functionProperty(function, "AutoPublishAlias").asText()).as(function).isEqualTo("live");
            assertThat(template.functionProperty(function, "CodeUri").asText())
                    .as(function).isEqualTo("functions/video-pipeline");
        }
    }

    @Test
    void every_function_should_get_the_shared_environment_and_only_the_checker_the_kling_secret() {
        Set<String> shared = names(template.globalFunction().path("Environment").path("Variables"));
        assertThat(shared).containsAll(SHARED_ENVIRONMENT).doesNotContain("KLING_SECRET_ARN");
        for (String function : FUNCTIONS) {
            Set<String> own = names(template.properties(function).path("Environment").path("Variables"));
            boolean secretPolicy = false;
            for (JsonNode policy : template.properties(function).path("Policies")) {
                secretPolicy |= policy.has("AWSSecretsManagerGetSecretValuePolicy");
            }
            // THEN only the function that talks to Kling can read its credentials: the internet-facing
            // API and the upload intake only admit jobs to the queue
            boolean checker = function.equals("CheckStatusFunction");
            assertThat(own.contains("KLING_SECRET_ARN")).as(function + " KLING_SECRET_ARN").isEqualTo(checker);
            assertThat(secretPolicy).as(function + " GetSecretValue").isEqualTo(checker);
        }
    }

    /**
     * The functions start executions (the checker too: the slot it frees goes to the next job), so they
     * name the state machine by the name the state machine is given, without referring to it.
     */
    @Test
    void functions_should_name_the_state_machine_they_start_without_depending_on_it() {
        String name = template.properties("VideoJobStateMachine").path("Name").path("Fn::Sub").asText();
        assertThat(name).isEqualTo("${AWS::StackName}-VideoJobStateMachine");
        String arn = template.globalFunction().path("Environment").path("Variables").path("STATE_MACHINE_ARN")
                .path("Fn::Sub").asText();
        assertThat(arn).isEqualTo("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:" + name);
        JsonNode statements = template.properties("FollowJobsPolicy").path("PolicyDocument").path("Statement");
        assertThat(statements).anySatisfy(st -> assertThat(st.path("Resource").path("Fn::Sub").asText()).isEqualTo(arn));
        for (String function : FUNCTIONS) {
            assertThat(references(template.properties(function), "VideoJobStateMachine")).as(function).isFalse();
            assertThat(template.properties(function).path("Policies")).as(function)
                    .anySatisfy(p -> assertThat(p.path("Ref").asText()).isEqualTo("FollowJobsPolicy"));
        }
    }

    /** Each tuning variable the template sets comes from its parameter, with the code's default and bounds. */
    @Test
    void template_parameters_should_set_the_tuning_variables_with_the_codes_defaults() {
        JsonNode variables = template.globalFunction().path("Environment").path("Variables");
        for (Tuning tuning : Tuning.values()) {
            if (tuning.parameter() == null) {
                assertThat(variables.has(tuning.name())).as(tuning.name()).isFalse();
                continue;
            }
            assertThat(variables.path(tuning.name()).path("Ref").asText()).as(tuning.name()).isEqualTo(tuning.parameter());
            JsonNode parameter = template.root().path("Parameters").path(tuning.parameter());
            assertThat(parameter.path("Default").asLong()).as(tuning.parameter()).isEqualTo(tuning.defaultValue());
            assertThat(parameter.path("MinValue").asLong()).as(tuning.parameter()).isGreaterThanOrEqualTo(tuning.min());
            assertThat(parameter.path("MaxValue").asLong()).as(tuning.parameter()).isLessThanOrEqualTo(tuning.max());
        }
    }

    @Test
    void capacity_table_should_have_the_keys_the_capacity_store_uses() {
        JsonNode table = template.properties("CapacityTable");
        assertThat(keyOf(table.path("KeySchema"))).isEqualTo("pk:HASH sk:RANGE");
        assertThat(table.path("GlobalSecondaryIndexes").isMissingNode()).isTrue();
        assertThat(table.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
    }

    @Test
    void reaper_should_run_on_a_schedule_every_few_minutes() {
        JsonNode events = template.properties("ReaperFunction").path("Events");
        List<String> schedules = new ArrayList<>();
        events.forEach(event -> {
            if (event.path("Type").asText().equals("ScheduleV2")) {
                schedules.add(event.path("Properties").path("ScheduleExpression").asText());
            }
        });
        assertThat(schedules).containsExactly("rate(2 minutes)");
        assertThat(template.properties("ReaperFunction").path("ReservedConcurrentExecutions").asInt()).isEqualTo(1);
    }

    /** Operators pause intake with IAM credentials; everything else takes the API key. */
    @Test
    void admin_routes_should_need_iam_and_every_other_route_the_api_key() {
        for (JsonNode event : template.properties("JobsApiFunction").path("Events")) {
            String path = event.path("Properties").path("Path").asText();
            JsonNode auth = event.path("Properties").path("Auth");
            if (path.startsWith("/admin/")) {
                assertThat(auth.path("Authorizer").asText()).as(path).isEqualTo("AWS_IAM");
                assertThat(auth.path("ApiKeyRequired").asBoolean(true)).as(path).isFalse();
                assertThat(auth.path("InvokeRole").asText()).as(path).isEqualTo("NONE");
            } else {
                assertThat(auth.isMissingNode()).as(path + " keeps the API's API key").isTrue();
            }
        }
    }

    /**
     * One notification for the whole input prefix: S3's suffix filters are case-sensitive, so the image and
     * sidecar suffixes are matched, in any case, by UploadIntake.
     */
    @Test
    void submit_function_should_receive_every_object_created_under_the_input_prefix() {
        // GIVEN the S3 events of SubmitFunction
        List<JsonNode> s3 = new ArrayList<>();
        template.properties("SubmitFunction").path("Events").forEach(event -> {
            if (event.path("Type").asText().equals("S3")) {
                s3.add(event.path("Properties"));
            }
        });

        // THEN there is one, for every object created in the bucket under the input prefix, whatever its suffix
        assertThat(s3).singleElement().satisfies(properties -> {
            assertThat(properties.path("Bucket").path("Ref").asText()).isEqualTo("MediaBucket");
            assertThat(properties.path("Events").asText()).isEqualTo("s3:ObjectCreated:*");
            JsonNode rules = properties.path("Filter").path("S3Key").path("Rules");
            assertThat(rules).singleElement().satisfies(rule -> {
                assertThat(rule.path("Name").asText()).isEqualTo("prefix");
                assertThat(rule.path("Value").path("Ref").asText()).isEqualTo("InputPrefix");
            });
        });
    }

    @Test
    void failed_upload_events_should_be_retried_then_kept_in_a_dead_letter_queue() {
        JsonNode config = template.properties("SubmitFunction").path("EventInvokeConfig");
        assertThat(config.path("MaximumRetryAttempts").asInt()).isEqualTo(2);
        JsonNode onFailure = config.path("DestinationConfig").path("OnFailure");
        assertThat(onFailure.path("Type").asText()).isEqualTo("SQS");
        String queue = onFailure.path("Destination").path("Fn::GetAtt").path(0).asText();
        assertThat(template.type(queue)).isEqualTo("AWS::SQS::Queue");
        assertThat(template.properties(queue).path("MessageRetentionPeriod").asInt()).isEqualTo(14 * 24 * 3600);
    }

    @Test
    void media_bucket_should_block_public_access_and_deny_plain_http() {
        JsonNode bucket = template.properties("MediaBucket");
        JsonNode block = bucket.path("PublicAccessBlockConfiguration");
        for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertThat(block.path(flag).asBoolean(false)).as(flag).isTrue();
        }
        assertThat(bucket.path("VersioningConfiguration").path("Status").asText())
                .as("job ids derive from version ids").isEqualTo("Enabled");

        String policy = template.resourcesOfType("AWS::S3::BucketPolicy").stream()
                .filter(id -> template.properties(id).path("Bucket").path("Ref").asText().equals("MediaBucket"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bucket policy for MediaBucket"));
        assertThat(template.properties(policy).path("PolicyDocument").path("Statement"))
                .anySatisfy(statement -> {
                    assertThat(statement.path("Effect").asText()).isEqualTo("Deny");
                    assertThat(statement.path("Principal").asText()).isEqualTo("*");
                    assertThat(statement.path("Condition").path("Bool").path("aws:SecureTransport").asText())
                            .isEqualTo("false");
                    assertThat(statement.path("Resource")).hasSize(2);
                });
    }

    /**
     * The bucket's notification depends on SubmitFunction, so neither SubmitFunction nor the environment
     * every function shares may refer to the bucket resource: they repeat the expression the bucket's
     * name is built from. Those are its only copies, each the same; every other use refers to the bucket.
     */
    @Test
    void only_what_the_bucket_depends_on_should_copy_the_bucket_name_and_each_copy_should_be_the_same() {
        JsonNode bucketName = template.properties("MediaBucket").path("BucketName");
        String firstPart = bucketName.path("Fn::Join").path(1).path(0).asText();
        assertThat(firstPart).isNotEmpty();
        assertThat(template.globalFunction().path("Environment").path("Variables").path("MEDIA_BUCKET"))
                .isEqualTo(bucketName);
        JsonNode submit = template.properties("SubmitFunction");
        assertThat(references(submit.path("Policies"), "MediaBucket")).isFalse();
        assertThat(references(submit.path("Environment"), "MediaBucket")).isFalse();

        Map<String, JsonNode> copies = new TreeMap<>();
        collectJoins(template.root(), firstPart, "", copies);
        assertThat(copies.values()).allSatisfy(copy -> assertThat(copy).isEqualTo(bucketName));
        // the bucket's own, the shared environment's, and SubmitFunction's two statements (objects, bucket)
        assertThat(copies.keySet()).allSatisfy(path -> assertThat(path).matches(
                "/Resources/MediaBucket/Properties/BucketName|/Globals/Function/Environment/Variables/MEDIA_BUCKET"
                        + "|/Resources/SubmitFunction/Properties/Policies/.*"));
        assertThat(copies).hasSize(4);
    }

    @Test
    void iam_statements_should_not_allow_wildcard_actions_or_resources() {
        List<String> offenders = new ArrayList<>();
        for (String id : template.resourcesOfType(SamTemplate.FUNCTION)) {
            offenders.addAll(wildcards(id, template.properties(id).path("Policies")));
        }
        for (String id : template.resourcesOfType("AWS::Serverless::StateMachine")) {
            offenders.addAll(wildcards(id, template.properties(id).path("Policies")));
        }
        for (String id : template.resourcesOfType("AWS::IAM::ManagedPolicy")) {
            offenders.addAll(wildcards(id, List.of(template.properties(id).path("PolicyDocument"))));
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void jobs_table_should_expire_items_on_the_attribute_the_mapper_writes_only_when_FinishedJobTtlDays_is_set() {
        JsonNode ttl = template.properties("JobsTable").path("TimeToLiveSpecification");
        assertThat(ttl.path("AttributeName").asText()).isEqualTo(JobItemMapper.EXPIRES_AT);
        String condition = ttl.path("Enabled").path("Fn::If").path(0).asText();
        assertThat(ttl.path("Enabled").path("Fn::If").path(1).asBoolean()).isTrue();
        assertThat(ttl.path("Enabled").path("Fn::If").path(2).asBoolean(true)).isFalse();
        assertThat(template.root().path("Conditions").path(condition)).isEqualTo(notZero("FinishedJobTtlDays"));
    }

    /** Each expiry or transition is a rule only when its parameter is not 0, and covers what the code writes. */
    @Test
    void media_bucket_lifecycle_should_cover_the_prefixes_the_pipeline_writes_with_rules_that_0_turns_off() {
        JsonNode rules = template.properties("MediaBucket").path("LifecycleConfiguration").path("Rules");
        Map<String, JsonNode> conditional = new HashMap<>();
        for (JsonNode rule : rules) {
            JsonNode branches = rule.path("Fn::If");
            if (branches.isMissingNode()) {
                assertThat(rule.path("Status").asText()).as(rule.path("Id").asText()).isEqualTo("Enabled");
                continue;
            }
            assertThat(branches.path(2).path("Ref").asText()).isEqualTo("AWS::NoValue");
            JsonNode body = branches.path(1);
            conditional.put(body.path("Id").asText(), body);
            String days = body.has("ExpirationInDays") ? body.path("ExpirationInDays").path("Ref").asText()
                    : body.has("Transitions") ? body.path("Transitions").path(0).path("TransitionInDays").path("Ref").asText()
                    : body.path("NoncurrentVersionExpiration").path("NoncurrentDays").path("Ref").asText();
            assertThat(template.root().path("Conditions").path(branches.path(0).asText()))
                    .as(body.path("Id").asText()).isEqualTo(notZero(days));
        }
        assertThat(conditional).containsOnlyKeys("ExpireInputs", "ExpireApiInputs", "ExpireNoncurrentVersions",
                "TransitionOutputs", "ExpireOutputs");
        assertThat(conditional.get("ExpireInputs").path("Prefix").path("Ref").asText()).isEqualTo("InputPrefix");
        assertThat(conditional.get("ExpireApiInputs").path("Prefix"))
                .isEqualTo(template.globalFunction().path("Environment").path("Variables").path("API_INPUT_PREFIX"));
        assertThat(conditional.get("TransitionOutputs").path("Prefix").path("Ref").asText()).isEqualTo("OutputPrefix");
        assertThat(conditional.get("ExpireOutputs").path("Prefix").path("Ref").asText()).isEqualTo("OutputPrefix");
        assertThat(rules.findValuesAsText("Id")).contains("AbortIncompleteMultipartUploads");
    }

    @Test
    void every_alarm_should_notify_the_alarm_topic_which_exists_without_an_email() {
        assertThat(template.root().path("Resources").path("AlarmTopic").has("Condition")).isFalse();
        List<String> alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
        assertThat(alarms).isNotEmpty();
        for (String alarm : alarms) {
            assertThat(template.properties(alarm).path("AlarmActions").toString()).as(alarm)
                    .isEqualTo("[{\"Ref\":\"AlarmTopic\"}]");
        }
    }

    @Test
    void every_function_should_have_error_and_throttle_alarms_and_count_the_jobs_it_fails() {
        Set<String> alarmed = new TreeSet<>();
        for (String alarm : template.resourcesOfType("AWS::CloudWatch::Alarm")) {
            JsonNode p = template.properties(alarm);
            p.path("Dimensions").forEach(d -> alarmed.add(p.path("Namespace").asText() + " " + p.path("MetricName").asText()
                    + " " + d.path("Name").asText() + "=" + d.path("Value").path("Ref").asText()));
        }
        for (String function : FUNCTIONS) {
            assertThat(alarmed).contains("AWS/Lambda Errors FunctionName=" + function,
                    "AWS/Lambda Throttles FunctionName=" + function);
            assertThat(template.resourcesOfType("AWS::Logs::MetricFilter")).as(function).anySatisfy(filter -> {
                JsonNode p = template.properties(filter);
                assertThat(p.path("LogGroupName").path("Ref").asText()).isEqualTo(function + "LogGroup");
                assertThat(p.path("MetricTransformations").path(0).path("MetricName").asText()).isEqualTo("FailedJobs");
            });
        }
        assertThat(alarmed).contains("AWS/States ExecutionsFailed StateMachineArn=VideoJobStateMachine",
                "AWS/States ExecutionsTimedOut StateMachineArn=VideoJobStateMachine",
                "AWS/ApiGateway 5XXError ApiName=AWS::StackName");
    }

    /** .ci/guard-check.py applies these; a suppression must say which control and why, in the template. */
    @Test
    void every_guard_suppression_should_name_a_control_tower_control_and_a_reason() {
        List<String> suppressions = new ArrayList<>();
        template.root().path("Resources").properties().forEach(resource -> resource.getValue().path("Metadata")
                .path("guard").path("SuppressedRules").forEach(entry -> {
                    assertThat(entry.path("Rule").asText()).as(resource.getKey()).matches("CT\\.[A-Z0-9]+\\.PR\\.\\d+");
                    assertThat(entry.path("Reason").asText().trim()).as(resource.getKey() + " " + entry.path("Rule"))
                            .hasSizeGreaterThan(40);
                    suppressions.add(resource.getKey() + " " + entry.path("Rule").asText());
                }));
        assertThat(suppressions).doesNotHaveDuplicates().isNotEmpty();
    }

    private static JsonNode notZero(String parameter) {
        return JSON.createObjectNode().set("Fn::Not", JSON.createArrayNode().add(JSON.createObjectNode().set("Fn::Equals",
                JSON.createArrayNode().add(JSON.createObjectNode().put("Ref", parameter)).add(0))));
    }

    @Test
    void jobs_table_should_have_the_key_and_indexes_the_job_store_queries() {
        JsonNode table = template.properties("JobsTable");
        assertThat(table.path("KeySchema")).hasSize(1);
        assertThat(keyOf(table.path("KeySchema"))).isEqualTo("jobId:HASH");

        Map<String, String> indexes = new HashMap<>();
        Map<String, String> projections = new HashMap<>();
        table.path("GlobalSecondaryIndexes").forEach(index -> {
            indexes.put(index.path("IndexName").asText(), keyOf(index.path("KeySchema")));
            projections.put(index.path("IndexName").asText(), index.path("Projection").toString());
        });
        assertThat(indexes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ByStatus", "status:HASH createdAt:RANGE",
                "ByCreatedAt", "listPartition:HASH createdAt:RANGE",
                "ByOwner", "owner:HASH createdAt:RANGE"));
        // the reaper reads whole jobs from ByStatus; a caller's listing needs only the keys and the status
        // to filter on (the jobs themselves are read from the table)
        assertThat(projections)
                .containsEntry("ByStatus", "{\"ProjectionType\":\"ALL\"}")
                .containsEntry("ByOwner", "{\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"status\"]}");

        Map<String, String> attributes = new HashMap<>();
        table.path("AttributeDefinitions").forEach(attribute ->
                attributes.put(attribute.path("AttributeName").asText(), attribute.path("AttributeType").asText()));
        assertThat(attributes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "jobId", "S", "status", "S", "createdAt", "S", "listPartition", "S", "owner", "S"));

        assertThat(table.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean()).isTrue();
        assertThat(table.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
    }

    /**
     * The jobs routes take the API key, or (JobsApiAuthorizer=AWS_IAM) a SigV4 signature as well. SAM
     * resolves a parameter's Ref in an Api's Auth when it transforms the template (not Fn::If), so the
     * parameter's values are what DefaultAuthorizer accepts: empty for none, or AWS_IAM.
     */
    @Test
    void jobs_api_should_take_its_default_authorizer_from_the_JobsApiAuthorizer_parameter() {
        JsonNode auth = template.properties("JobsApi").path("Auth");
        assertThat(auth.path("DefaultAuthorizer").path("Ref").asText()).isEqualTo("JobsApiAuthorizer");
        // API Gateway invokes the function itself, never with the caller's credentials
        assertThat(auth.path("InvokeRole").asText()).isEqualTo("NONE");
        JsonNode parameter = template.root().path("Parameters").path("JobsApiAuthorizer");
        assertThat(parameter.path("Default").asText("missing")).isEmpty();
        assertThat(texts(parameter.path("AllowedValues"))).containsExactly("", "AWS_IAM");
    }

    /** Callers name images only under their own area and the prefixes the stack shares (none by default). */
    @Test
    void jobs_api_function_should_get_the_shared_image_prefixes_from_their_parameter() {
        assertThat(template.properties("JobsApiFunction").path("Environment").path("Variables")
                .path("API_SHARED_IMAGE_PREFIXES").path("Ref").asText()).isEqualTo("ApiSharedImagePrefixes");
        assertThat(template.root().path("Parameters").path("ApiSharedImagePrefixes").path("Default").asText("missing"))
                .isEmpty();
    }

    @Test
    void jobs_api_should_require_an_api_key_under_a_usage_plan() {
        JsonNode auth = template.properties("JobsApi").path("Auth");
        assertThat(auth.path("ApiKeyRequired").asBoolean()).isTrue();
        assertThat(auth.path("UsagePlan").path("CreateUsagePlan").asText()).isEqualTo("PER_API");
        // SAM names the key it creates <Api>ApiKey; the ApiKeyId output refers to it.
        assertThat(template.root().path("Outputs").path("ApiKeyId").path("Value").path("Ref").asText())
                .isEqualTo("JobsApiApiKey");
    }

    private static List<String> wildcards(String owner, Iterable<JsonNode> policies) {
        List<String> offenders = new ArrayList<>();
        for (JsonNode statement : statements(policies)) {
            if (!statement.path("Effect").asText().equals("Allow")) {
                continue;
            }
            List<String> actions = texts(statement.path("Action"));
            List<String> resources = texts(statement.path("Resource"));
            String where = owner + "/" + statement.path("Sid").asText("(no Sid)");
            actions.stream().filter(action -> action.equals("*") || action.endsWith(":*"))
                    .forEach(action -> offenders.add(where + " allows action " + action));
            if (resources.contains("*")) {
                Set<String> allowed = WILDCARD_RESOURCE_EXCEPTIONS.get(statement.path("Sid").asText());
                if (allowed == null || !allowed.containsAll(actions)) {
                    offenders.add(where + " allows " + actions + " on Resource \"*\"");
                }
            }
        }
        return offenders;
    }

    /** Inline statements of a SAM Policies list (policy templates and managed policy names are skipped). */
    private static List<JsonNode> statements(Iterable<JsonNode> policies) {
        List<JsonNode> statements = new ArrayList<>();
        for (JsonNode policy : policies) {
            JsonNode statement = policy.path("Statement");
            if (statement.isArray()) {
                statement.forEach(statements::add);
            } else if (statement.isObject()) {
                statements.add(statement);
            }
        }
        return statements;
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isTextual()) {
            texts.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(item -> {
                if (item.isTextual()) {
                    texts.add(item.asText());
                }
            });
        }
        return texts;
    }

    private static String keyOf(JsonNode keySchema) {
        List<String> parts = new ArrayList<>();
        keySchema.forEach(key -> parts.add(key.path("AttributeName").asText() + ":" + key.path("KeyType").asText()));
        return String.join(" ", parts);
    }

    private static Set<String> names(JsonNode mapping) {
        Set<String> names = new TreeSet<>();
        mapping.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static boolean references(JsonNode node, String logicalId) {
        if (node.isObject()) {
            if (node.path("Ref").asText().equals(logicalId)
                    || node.path("Fn::GetAtt").path(0).asText().equals(logicalId)) {
                return true;
            }
            for (JsonNode child : node) {
                if (references(child, logicalId)) {
                    return true;
                }
            }
            return false;
        }
        if (node.isArray()) {
            for (JsonNode child : node) {
                if (references(child, logicalId)) {
                    return true;
                }
            }
            return false;
        }
        // !Sub strings refer to resources as ${Name} or ${Name.Attribute}.
        return node.isTextual() && node.asText().matches("(?s).*\\$\\{" + logicalId + "[.}].*");
    }

    /** Every {"Fn::Join": ...} under {@code node} whose first joined part is {@code firstPart}, by its path. */
    private static void collectJoins(JsonNode node, String firstPart, String path, Map<String, JsonNode> joins) {
        if (node.isObject() && node.path("Fn::Join").path(1).path(0).asText().equals(firstPart)) {
            joins.put(path, node);
        }
        if (node.isObject()) {
            node.properties().forEach(child -> collectJoins(child.getValue(), firstPart, path + "/" + child.getKey(), joins));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectJoins(node.get(i), firstPart, path + "/" + i, joins);
            }
        }
    }

    /** The template may list the defaults a deployment can choose, but only what the capability table holds. */
    @Test
    void default_model_mode_and_duration_should_allow_exactly_what_the_capability_table_holds() {
        JsonNode parameters = template.root().path("Parameters");
        assertThat(allowed(parameters.path("DefaultModel"))).isEqualTo(ModelCapabilities.models());
        assertThat(allowed(parameters.path("DefaultMode"))).isEqualTo(ModelCapabilities.modes());
        assertThat(allowed(parameters.path("DefaultDuration"))).isEqualTo(ModelCapabilities.durations());
        assertThat(ModelCapabilities.models()).contains(parameters.path("DefaultModel").path("Default").asText());
    }

    private static List<String> allowed(JsonNode parameter) {
        List<String> values = new ArrayList<>();
        parameter.path("AllowedValues").forEach(value -> values.add(value.asText()));
        return values;
    }
}
