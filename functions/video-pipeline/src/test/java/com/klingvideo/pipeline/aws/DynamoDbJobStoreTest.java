package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.domain.failure.ConcurrentJobUpdateException;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobPage;
import com.klingvideo.pipeline.model.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

class DynamoDbJobStoreTest {

    private static final String TABLE = "Jobs";
    private static final String CONDITION_FAILED =
            "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException";

    private final FakeSdkHttpClient http = new FakeSdkHttpClient();
    private final DynamoDbJobStore store = new DynamoDbJobStore(TestSdkClients.dynamoDb(http), TABLE);

    @Test
    void create_should_putItemOnlyIfAbsent_when_called() {
        // GIVEN DynamoDB accepts the write
        http.respondJson(200, "{}");
        Job job = JobFixtures.fullyPopulated("job-1");

        // WHEN the job is created
        boolean created = store.create(job);

        // THEN one conditional PutItem of the mapped item was sent
        assertThat(created).isTrue();
        FakeSdkHttpClient.Recorded request = http.onlyRequest();
        assertThat(request.target()).isEqualTo("DynamoDB_20120810.PutItem");
        JsonNode body = request.json();
        assertThat(body.path("TableName").asText()).isEqualTo(TABLE);
        assertThat(body.path("ConditionExpression").asText()).isEqualTo("attribute_not_exists(jobId)");
        assertThat(body.path("Item")).isEqualTo(DynamoDbJson.item(JobItemMapper.toItem(job)));
    }

    @Test
    void create_should_returnFalse_when_jobExists() {
        // GIVEN the item already exists, so the condition fails
        http.respondJsonError(400, CONDITION_FAILED, "The conditional request failed");

        // WHEN the job is created
        boolean created = store.create(JobFixtures.minimal("job-1"));

        // THEN the store reports a duplicate instead of throwing
        assertThat(created).isFalse();
    }

    @Test
    void create_should_propagate_when_dynamoDbFails() {
        // GIVEN DynamoDB has an internal error
        http.respondJsonError(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "boom");

        // WHEN / THEN the failure reaches the caller, never an apparent success
        assertThatThrownBy(() -> store.create(JobFixtures.minimal("job-1")))
                .isInstanceOf(DynamoDbException.class)
                .satisfies(e -> assertThat(((DynamoDbException) e).statusCode()).isEqualTo(500));
    }

    @Test
    void update_should_writeNextVersionConditionedOnExpected_when_versionMatches() {
        // GIVEN a job read at version 3 and DynamoDB accepting the write
        http.respondJson(200, "{}");
        Job job = JobFixtures.minimal("job-1").toBuilder().version(3).status(JobStatus.SUBMITTED).build();

        // WHEN it is updated
        Job stored = store.update(job);

        // THEN version 4 is written only if the stored version is still 3
        assertThat(stored).isEqualTo(job.toBuilder().version(4).build());
        JsonNode body = http.onlyRequest().json();
        assertThat(http.onlyRequest().target()).isEqualTo("DynamoDB_20120810.PutItem");
        assertThat(body.path("ConditionExpression").asText()).isEqualTo("version = :expected");
        assertThat(body.path("ExpressionAttributeValues").path(":expected").path("N").asText()).isEqualTo("3");
        assertThat(body.path("Item").path("version").path("N").asText()).isEqualTo("4");
        assertThat(body.path("Item").path("status").path("S").asText()).isEqualTo("SUBMITTED");
    }

    @Test
    void update_should_writeTheExpiry_when_theJobEndsAndTheStoreHasARetention() {
        // GIVEN a store that keeps finished jobs 7 days, and DynamoDB accepting the write
        DynamoDbJobStore expiring = new DynamoDbJobStore(TestSdkClients.dynamoDb(http), TABLE, Duration.ofDays(7));
        http.respondJson(200, "{}");
        Instant ended = Instant.parse("2025-03-04T06:00:00Z");
        Job job = JobFixtures.minimal("job-1").toBuilder().version(3).status(JobStatus.FAILED)
                .completedAt(ended).updatedAt(ended).build();

        // WHEN the job is written as FAILED
        expiring.update(job);

        // THEN the item carries the table's time-to-live attribute: 7 days after it ended
        assertThat(http.onlyRequest().json().path("Item").path("expiresAt").path("N").asText())
                .isEqualTo(Long.toString(ended.plus(Duration.ofDays(7)).getEpochSecond()));
    }

    @Test
    void update_should_throwConcurrentJobUpdate_when_versionChanged() {
        // GIVEN someone else wrote the job first
        http.respondJsonError(400, CONDITION_FAILED, "The conditional request failed");
        Job job = JobFixtures.minimal("job-1").toBuilder().version(3).build();

        // WHEN / THEN the lost update is reported by name
        assertThatThrownBy(() -> store.update(job))
                .isInstanceOf(ConcurrentJobUpdateException.class)
                .hasMessageContaining("job-1");
    }

    @Test
    void update_should_propagate_when_dynamoDbFails() {
        // GIVEN DynamoDB is throttling
        http.respondJsonError(400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "slow down");

        // WHEN / THEN
        assertThatThrownBy(() -> store.update(JobFixtures.minimal("job-1")))
                .isInstanceOf(DynamoDbException.class)
                .isNotInstanceOf(ConcurrentJobUpdateException.class);
    }

    @Test
    void find_should_readConsistentlyAndMapTheItem_when_jobExists() {
        // GIVEN the table holds the job
        Job job = JobFixtures.fullyPopulated("job-1");
        ObjectNode response = DynamoDbJson.object();
        response.set("Item", DynamoDbJson.item(JobItemMapper.toItem(job)));
        http.respondJson(200, response.toString());

        // WHEN it is looked up
        Optional<Job> found = store.find("job-1");

        // THEN it comes back whole, read with strong consistency by its key
        assertThat(found).contains(job);
        JsonNode body = http.onlyRequest().json();
        assertThat(http.onlyRequest().target()).isEqualTo("DynamoDB_20120810.GetItem");
        assertThat(body.path("TableName").asText()).isEqualTo(TABLE);
        assertThat(body.path("ConsistentRead").asBoolean()).isTrue();
        assertThat(body.path("Key").toString()).isEqualTo("{\"jobId\":{\"S\":\"job-1\"}}");
    }

    @Test
    void find_should_returnEmpty_when_jobIsMissing() {
        // GIVEN no item (GetItem answers without Item)
        http.respondJson(200, "{}");

        // WHEN / THEN
        assertThat(store.find("nope")).isEmpty();
    }

    @Test
    void list_should_queryByStatusNewestFirst_when_statusGiven() {
        // GIVEN one matching job and more to come
        Job job = JobFixtures.minimal("job-1").toBuilder().status(JobStatus.FAILED).build();
        ObjectNode response = DynamoDbJson.object();
        response.withArray("Items").add(DynamoDbJson.item(JobItemMapper.toItem(job)));
        response.set("LastEvaluatedKey", lastEvaluatedKey("status", "FAILED"));
        http.respondJson(200, response.toString());

        // WHEN failed jobs are listed
        JobPage page = store.list(JobStatus.FAILED, 1, null);

        // THEN the ByStatus index is queried newest first with the limit, and a token is issued
        assertThat(page.jobs()).containsExactly(job);
        assertThat(page.nextToken()).isNotBlank();
        JsonNode body = http.onlyRequest().json();
        assertThat(http.onlyRequest().target()).isEqualTo("DynamoDB_20120810.Query");
        assertThat(body.path("TableName").asText()).isEqualTo(TABLE);
        assertThat(body.path("IndexName").asText()).isEqualTo(DynamoDbJobStore.BY_STATUS_INDEX).isEqualTo("ByStatus");
        assertThat(body.path("ScanIndexForward").isBoolean()).isTrue();
        assertThat(body.path("ScanIndexForward").asBoolean()).isFalse();
        assertThat(body.path("Limit").asInt()).isEqualTo(1);
        assertThat(body.path("KeyConditionExpression").asText()).isEqualTo("#pk = :pk");
        assertThat(body.path("ExpressionAttributeNames").path("#pk").asText()).isEqualTo("status");
        assertThat(body.path("ExpressionAttributeValues").path(":pk").path("S").asText()).isEqualTo("FAILED");
        assertThat(body.has("ExclusiveStartKey")).isFalse();
    }

    @Test
    void list_should_queryRecencyIndex_when_noStatusGiven() {
        // GIVEN an empty last page
        http.respondJson(200, "{\"Items\":[],\"Count\":0}");

        // WHEN all jobs are listed
        JobPage page = store.list(null, 25, null);

        // THEN the ByCreatedAt index's single partition is queried, and there is no next page
        assertThat(page.jobs()).isEmpty();
        assertThat(page.nextToken()).isNull();
        JsonNode body = http.onlyRequest().json();
        assertThat(body.path("IndexName").asText()).isEqualTo(DynamoDbJobStore.BY_CREATED_AT_INDEX).isEqualTo("ByCreatedAt");
        assertThat(body.path("ExpressionAttributeNames").path("#pk").asText()).isEqualTo("listPartition");
        assertThat(body.path("ExpressionAttributeValues").path(":pk").path("S").asText()).isEqualTo("JOB");
        assertThat(body.path("ScanIndexForward").asBoolean(true)).isFalse();
        assertThat(body.path("Limit").asInt()).isEqualTo(25);
    }

    @Test
    void list_should_continueFromLastEvaluatedKey_when_givenThePreviousToken() {
        // GIVEN a first page that ended at a key, then a last page
        ObjectNode first = DynamoDbJson.object();
        first.withArray("Items");
        first.set("LastEvaluatedKey", lastEvaluatedKey("listPartition", "JOB"));
        http.respondJson(200, first.toString()).respondJson(200, "{\"Items\":[]}");
        String token = store.list(null, 10, null).nextToken();

        // WHEN the next page is asked for with that token
        store.list(null, 10, token);

        // THEN the query starts exactly after the last evaluated key
        JsonNode second = http.requests().get(1).json();
        assertThat(second.path("ExclusiveStartKey")).isEqualTo(lastEvaluatedKey("listPartition", "JOB"));
    }

    @Test
    void listOwned_should_queryTheOwnersPartitionThenReadTheJobs_when_noStatusGiven() {
        // GIVEN one index entry of the owner, and its job in the table
        Job job = JobFixtures.fullyPopulated("job-1");
        ObjectNode page = DynamoDbJson.object();
        page.withArray("Items").add(indexEntry("job-1", job.owner()));
        ObjectNode batch = DynamoDbJson.object();
        batch.putObject("Responses").putArray(TABLE).add(DynamoDbJson.item(JobItemMapper.toItem(job)));
        http.respondJson(200, page.toString()).respondJson(200, batch.toString());

        // WHEN the owner's jobs are listed
        JobPage listed = store.listOwned(job.owner(), null, 25, null);

        // THEN the ByOwner index is queried on the owner's partition, newest first, then the job is read
        assertThat(listed.jobs()).containsExactly(job);
        assertThat(listed.nextToken()).isNull();
        JsonNode query = http.requests().get(0).json();
        assertThat(query.path("IndexName").asText()).isEqualTo(DynamoDbJobStore.BY_OWNER_INDEX).isEqualTo("ByOwner");
        assertThat(query.path("KeyConditionExpression").asText()).isEqualTo("#owner = :owner");
        assertThat(query.path("ExpressionAttributeNames").path("#owner").asText()).isEqualTo("owner");
        assertThat(query.path("ExpressionAttributeValues").path(":owner").path("S").asText()).isEqualTo(job.owner());
        assertThat(query.path("ScanIndexForward").asBoolean(true)).isFalse();
        assertThat(query.path("Limit").asInt()).isEqualTo(25);
        assertThat(query.has("FilterExpression")).isFalse();
        assertThat(http.requests().get(1).target()).isEqualTo("DynamoDB_20120810.BatchGetItem");
        assertThat(http.requests().get(1).json().path("RequestItems").path(TABLE).path("Keys"))
                .hasSize(1).first().satisfies(key -> assertThat(key.path("jobId").path("S").asText()).isEqualTo("job-1"));
    }

    @Test
    void listOwned_should_filterOnStatusAndEndThePageAtTheLastJobKept_when_moreMatchThanTheLimit() {
        // GIVEN three matching index entries in one response, and the first job in the table
        Job job = JobFixtures.fullyPopulated("job-1");
        ObjectNode page = DynamoDbJson.object();
        page.withArray("Items").add(indexEntry("job-1", job.owner())).add(indexEntry("job-2", job.owner()))
                .add(indexEntry("job-3", job.owner()));
        ObjectNode batch = DynamoDbJson.object();
        batch.putObject("Responses").putArray(TABLE).add(DynamoDbJson.item(JobItemMapper.toItem(job)));
        http.respondJson(200, page.toString()).respondJson(200, batch.toString());

        // WHEN one SUCCEEDED job is asked for
        JobPage listed = store.listOwned(job.owner(), JobStatus.SUCCEEDED, 1, null);

        // THEN the query filters on status and reads ahead; the next page starts after the job returned
        JsonNode query = http.requests().get(0).json();
        assertThat(query.path("FilterExpression").asText()).isEqualTo("#status = :status");
        assertThat(query.path("ExpressionAttributeValues").path(":status").path("S").asText()).isEqualTo("SUCCEEDED");
        assertThat(query.path("Limit").asInt()).isEqualTo(DynamoDbJobStore.FILTERED_READ_AHEAD);
        assertThat(listed.jobs()).containsExactly(job);
        http.respondJson(200, "{\"Items\":[]}");
        store.listOwned(job.owner(), JobStatus.SUCCEEDED, 1, listed.nextToken());
        assertThat(http.requests().get(2).json().path("ExclusiveStartKey")).isEqualTo(indexEntry("job-1", job.owner()));
    }

    @Test
    void listOwned_should_leaveOutAJobOfAnotherOwner_when_theTableDisagreesWithTheIndex() {
        // GIVEN an index entry under owner A whose job in the table belongs to B
        Job other = JobFixtures.fullyPopulated("job-1").toBuilder().owner("key:b").build();
        ObjectNode page = DynamoDbJson.object();
        page.withArray("Items").add(indexEntry("job-1", "key:a"));
        ObjectNode batch = DynamoDbJson.object();
        batch.putObject("Responses").putArray(TABLE).add(DynamoDbJson.item(JobItemMapper.toItem(other)));
        http.respondJson(200, page.toString()).respondJson(200, batch.toString());

        // WHEN / THEN A is not shown B's job
        assertThat(store.listOwned("key:a", null, 10, null).jobs()).isEmpty();
    }

    @Test
    void listOwned_should_rejectToken_when_itWasIssuedForAnotherOwner() {
        // GIVEN a token of owner B's listing
        String tokenOfB = token("{\"createdAt\":\"2025-03-04T05:06:07.008Z\",\"jobId\":\"j\",\"owner\":\"key:b\"}");

        // WHEN / THEN owner A cannot continue from it
        assertThatThrownBy(() -> store.listOwned("key:a", null, 10, tokenOfB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid page token");
        assertThat(http.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a token!", "bm90IGpzb24", "WzEsMl0", "e30"})
    void list_should_rejectToken_when_itIsGarbage(String token) {
        // GIVEN a token that is not base64url, not JSON, a JSON array, or an empty object

        // WHEN / THEN it is refused before DynamoDB is called
        assertThatThrownBy(() -> store.list(null, 10, token))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid page token");
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void list_should_rejectToken_when_itComesFromAnotherListing() {
        // GIVEN a token issued for the FAILED listing
        String failedToken = token("{\"createdAt\":\"2025-03-04T05:06:07.008Z\",\"jobId\":\"j\",\"status\":\"FAILED\"}");

        // WHEN / THEN it is not accepted for another status, the unfiltered listing or an owner's listing
        assertThatThrownBy(() -> store.list(JobStatus.QUEUED, 10, failedToken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page token");
        assertThatThrownBy(() -> store.list(null, 10, failedToken))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.listOwned("FAILED", null, 10, failedToken))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void list_should_rejectLimit_when_notPositive() {
        // WHEN / THEN
        assertThatThrownBy(() -> store.list(JobStatus.FAILED, 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.listOwned("key:a", null, 0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ObjectNode lastEvaluatedKey(String partitionAttribute, String partitionValue) {
        ObjectNode key = DynamoDbJson.object();
        key.set("jobId", DynamoDbJson.object().put("S", "job-1"));
        key.set("createdAt", DynamoDbJson.object().put("S", "2025-03-04T05:06:07.008Z"));
        key.set(partitionAttribute, DynamoDbJson.object().put("S", partitionValue));
        return key;
    }

    /** A ByOwner index entry: the table's key and the index's. */
    private static ObjectNode indexEntry(String jobId, String owner) {
        ObjectNode key = DynamoDbJson.object();
        key.set("jobId", DynamoDbJson.object().put("S", jobId));
        key.set("createdAt", DynamoDbJson.object().put("S", "2025-03-04T05:06:07.008Z"));
        key.set("owner", DynamoDbJson.object().put("S", owner));
        return key;
    }

    private static String token(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
