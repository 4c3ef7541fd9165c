package com.klingvideo.pipeline.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.domain.JobStore;
import com.klingvideo.pipeline.domain.failure.ConcurrentJobUpdateException;
import com.klingvideo.pipeline.domain.failure.InvalidPageTokenException;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.JobPage;
import com.klingvideo.pipeline.model.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Jobs in one DynamoDB table (partition key {@code jobId}), listed through global secondary indexes sorted
 * by {@code createdAt}: {@value #BY_STATUS_INDEX} and {@value #BY_CREATED_AT_INDEX} for operators and
 * repairs, {@value #BY_OWNER_INDEX} for each API caller's listing. Every write is a conditional PutItem
 * of the whole item; any failure other than a failed condition propagates as the SDK reports it.
 */
public final class DynamoDbJobStore implements JobStore {

    /** Index with partition key {@code status} and sort key {@code createdAt}, projection ALL. */
    public static final String BY_STATUS_INDEX = "ByStatus";
    /** Index with partition key {@code listPartition} and sort key {@code createdAt}, projection ALL. */
    public static final String BY_CREATED_AT_INDEX = "ByCreatedAt";
    /**
     * Index with partition key {@code owner} and sort key {@code createdAt}, projecting only its keys and
     * {@code status} (to filter on): most writes of a job (each status check) leave it untouched, and the
     * listed jobs are read from the table.
     */
    public static final String BY_OWNER_INDEX = "ByOwner";
    /** Index entries read per query when a status filter may drop most of them. */
    static final int FILTERED_READ_AHEAD = 100;
    /** Queries per page at most: a rare status among many jobs gives a short page, not a long request. */
    static final int MAX_QUERIES_PER_PAGE = 10;
    /** BatchGetItem's own limit. */
    static final int BATCH_GET_LIMIT = 100;
    private static final int BATCH_GET_ATTEMPTS = 5;

    static final String CREATE_CONDITION = "attribute_not_exists(" + JobItemMapper.JOB_ID + ")";
    static final String UPDATE_CONDITION = JobItemMapper.VERSION + " = :expected";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Duration finishedJobTtl;

    /** A store that writes no expiry: every job is kept (and readers need none). */
    public DynamoDbJobStore(DynamoDbClient dynamoDb, String tableName) {
        this(dynamoDb, tableName, Duration.ZERO);
    }

    /**
     * @param finishedJobTtl how long after a job ends its item is kept before the table's time to live
     *                       deletes it; zero writes no expiry
     */
    public DynamoDbJobStore(DynamoDbClient dynamoDb, String tableName, Duration finishedJobTtl) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.finishedJobTtl = Objects.requireNonNull(finishedJobTtl, "finishedJobTtl");
    }

    @Override
    public boolean create(Job job) {
        try {
            dynamoDb.putItem(r -> r.tableName(tableName)
                    .item(JobItemMapper.toItem(job, finishedJobTtl))
                    .conditionExpression(CREATE_CONDITION));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Job> find(String jobId) {
        GetItemResponse response = dynamoDb.getItem(r -> r.tableName(tableName)
                .key(Map.of(JobItemMapper.JOB_ID, AttributeValue.fromS(jobId)))
                .consistentRead(true));
        return response.hasItem() && !response.item().isEmpty()
                ? Optional.of(JobItemMapper.fromItem(response.item()))
                : Optional.empty();
    }

    @Override
    public Job update(Job job) {
        Job stored = job.toBuilder().version(job.version() + 1).build();
        try {
            dynamoDb.putItem(r -> r.tableName(tableName)
                    .item(JobItemMapper.toItem(stored, finishedJobTtl))
                    .conditionExpression(UPDATE_CONDITION)
                    .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(job.version())))));
        } catch (ConditionalCheckFailedException e) {
            throw new ConcurrentJobUpdateException(job.jobId());
        }
        return stored;
    }

    @Override
    public JobPage list(JobStatus status, int limit, String nextToken) {
        checkLimit(limit);
        // "status" is a DynamoDB reserved word, hence the #pk placeholder for both indexes.
        String partitionAttribute = status == null ? JobItemMapper.LIST_PARTITION : JobItemMapper.STATUS;
        String partitionValue = status == null ? JobItemMapper.LIST_PARTITION_VALUE : status.name();
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(tableName)
                .indexName(status == null ? BY_CREATED_AT_INDEX : BY_STATUS_INDEX)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", partitionAttribute))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partitionValue)))
                .scanIndexForward(false)
                .limit(limit);
        if (nextToken != null) {
            query.exclusiveStartKey(decodeToken(nextToken, partitionAttribute, partitionValue));
        }
        QueryResponse response = dynamoDb.query(query.build());
        List<Job> jobs = response.items().stream().map(JobItemMapper::fromItem).toList();
        return new JobPage(jobs, lastKey(response) == null ? null : encodeToken(lastKey(response)));
    }

    @Override
    public JobPage listOwned(String owner, JobStatus status, int limit, String nextToken) {
        Objects.requireNonNull(owner, "owner");
        checkLimit(limit);
        Map<String, String> names = new HashMap<>(Map.of("#owner", JobItemMapper.OWNER));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":owner", AttributeValue.fromS(owner)));
        if (status != null) {
            names.put("#status", JobItemMapper.STATUS);
            values.put(":status", AttributeValue.fromS(status.name()));
        }
        Map<String, AttributeValue> start = nextToken == null ? null
                : decodeToken(nextToken, JobItemMapper.OWNER, owner);
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        Map<String, AttributeValue> next = null;
        for (int queries = 0; queries < MAX_QUERIES_PER_PAGE; queries++) {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(tableName)
                    .indexName(BY_OWNER_INDEX)
                    .keyConditionExpression("#owner = :owner")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .scanIndexForward(false)
                    .limit(status == null ? limit - found.size() : FILTERED_READ_AHEAD)
                    .exclusiveStartKey(start);
            if (status != null) {
                query.filterExpression("#status = :status");
            }
            QueryResponse response = dynamoDb.query(query.build());
            List<Map<String, AttributeValue>> items = response.items();
            int wanted = Math.min(items.size(), limit - found.size());
            found.addAll(items.subList(0, wanted));
            if (wanted < items.size()) {
                // The page ends inside this response: the next one starts after its last job.
                next = indexKey(found.get(found.size() - 1));
                break;
            }
            next = lastKey(response);
            if (next == null || found.size() == limit) {
                break;
            }
            start = next;
        }
        return new JobPage(fetch(owner, found), next == null ? null : encodeToken(next));
    }

    /** The listed jobs from the table, in index order; one that vanished or changed hands is left out. */
    private List<Job> fetch(String owner, List<Map<String, AttributeValue>> indexItems) {
        List<String> jobIds = indexItems.stream().map(item -> item.get(JobItemMapper.JOB_ID).s()).toList();
        Map<String, Job> byId = new HashMap<>();
        for (int from = 0; from < jobIds.size(); from += BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = jobIds.subList(from, Math.min(jobIds.size(), from + BATCH_GET_LIMIT))
                    .stream().map(id -> Map.of(JobItemMapper.JOB_ID, AttributeValue.fromS(id))).toList();
            for (int attempt = 1; !keys.isEmpty(); attempt++) {
                if (attempt > BATCH_GET_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left " + keys.size() + " jobs unread after "
                            + BATCH_GET_ATTEMPTS + " attempts");
                }
                List<Map<String, AttributeValue>> batch = keys;
                BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(
                        Map.of(tableName, KeysAndAttributes.builder().keys(batch).build())));
                response.responses().getOrDefault(tableName, List.of()).stream()
                        .map(JobItemMapper::fromItem)
                        .forEach(job -> byId.put(job.jobId(), job));
                KeysAndAttributes unprocessed = response.unprocessedKeys().get(tableName);
                keys = unprocessed == null ? List.of() : unprocessed.keys();
                if (!keys.isEmpty()) {
                    pause(attempt);
                }
            }
        }
        return jobIds.stream().map(byId::get)
                .filter(job -> job != null && owner.equals(job.owner()))
                .toList();
    }

    /** The key an index query can start after: the table's key and the index's. */
    private static Map<String, AttributeValue> indexKey(Map<String, AttributeValue> item) {
        return Map.of(JobItemMapper.JOB_ID, item.get(JobItemMapper.JOB_ID),
                JobItemMapper.OWNER, item.get(JobItemMapper.OWNER),
                JobItemMapper.CREATED_AT, item.get(JobItemMapper.CREATED_AT));
    }

    private static Map<String, AttributeValue> lastKey(QueryResponse response) {
        return response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey()
                : null;
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    /** Backs off before asking again for keys DynamoDB left unprocessed (it does so when throttled). */
    private static void pause(int attempt) {
        try {
            Thread.sleep(20L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading jobs", e);
        }
    }

    /** The page token is the query's LastEvaluatedKey (string attributes only), as base64url JSON. */
    private static String encodeToken(Map<String, AttributeValue> lastEvaluatedKey) {
        Map<String, String> key = new TreeMap<>();
        lastEvaluatedKey.forEach((name, value) -> {
            if (value.s() == null) {
                throw new IllegalStateException("key attribute '" + name + "' is not a string");
            }
            key.put(name, value.s());
        });
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(key));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode page token", e);
        }
    }

    private static Map<String, AttributeValue> decodeToken(
            String token, String partitionAttribute, String partitionValue) {
        JsonNode node;
        try {
            node = JSON.readTree(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw invalidToken("it is not base64url-encoded JSON");
        }
        if (node == null || !node.isObject()) {
            throw invalidToken("it is not a JSON object");
        }
        Set<String> expected = Set.of(JobItemMapper.JOB_ID, JobItemMapper.CREATED_AT, partitionAttribute);
        Map<String, AttributeValue> key = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!expected.contains(field.getKey()) || !field.getValue().isTextual()
                    || field.getValue().asText().isEmpty()) {
                throw invalidToken("it does not belong to this listing");
            }
            key.put(field.getKey(), AttributeValue.fromS(field.getValue().asText()));
        }
        if (!key.keySet().equals(expected) || !partitionValue.equals(key.get(partitionAttribute).s())) {
            throw invalidToken("it does not belong to this listing");
        }
        return key;
    }

    private static InvalidPageTokenException invalidToken(String why) {
        return new InvalidPageTokenException("invalid page token: " + why
                + "; pass the nextToken of the previous page of the same listing");
    }
}
