package com.klingvideo.pipeline.aws;

import com.klingvideo.pipeline.domain.CapacityStore;
import com.klingvideo.pipeline.domain.Ledger;
import com.klingvideo.pipeline.domain.Pause;
import com.klingvideo.pipeline.domain.QueueEntry;
import com.klingvideo.pipeline.domain.Release;
import com.klingvideo.pipeline.domain.RunTime;
import com.klingvideo.pipeline.domain.SlotHold;
import com.klingvideo.pipeline.model.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The capacity table (partition key {@code pk}, sort key {@code sk}, both strings), and the only code
 * that knows its items:
 * <ul>
 *   <li>{@code LEDGER / ACCOUNT}: {@code inUse}, {@code learnedLimit}, {@code lastRefusalAt},
 *       {@code lastRaiseAt}, and while paused {@code pausedBy}, {@code pauseReason}, {@code pausedAt},
 *       {@code probeAt};</li>
 *   <li>{@code SLOT / <jobId>}: one per job holding a slot: {@code takenAt}, {@code start}, {@code probe};</li>
 *   <li>{@code QUEUE / <rank>#<admittedAt>#<jobId>}: one per waiting job, so a strongly consistent query
 *       of the partition reads the queue in order: {@code jobId}, {@code priority}, {@code admittedAt},
 *       {@code starts};</li>
 *   <li>{@code RUNTIME / <model>/<mode>/<duration>}: {@code typicalMs}, {@code samples}.</li>
 * </ul>
 * Every change that moves a job between the queue and a slot is one TransactWriteItems, so the count in
 * the ledger, the holds and the queue change together or not at all.
 */
public final class DynamoDbCapacityStore implements CapacityStore {
    static final String PK = "pk";
    static final String SK = "sk";
    static final String LEDGER = "LEDGER";
    static final String ACCOUNT = "ACCOUNT";
    static final String SLOT = "SLOT";
    static final String QUEUE = "QUEUE";
    static final String RUNTIME = "RUNTIME";

    static final String IN_USE = "inUse";
    static final String LEARNED_LIMIT = "learnedLimit";
    static final String LAST_REFUSAL_AT = "lastRefusalAt";
    static final String LAST_RAISE_AT = "lastRaiseAt";
    static final String PAUSED_BY = "pausedBy";
    static final String PAUSE_REASON = "pauseReason";
    static final String PAUSED_AT = "pausedAt";
    static final String PROBE_AT = "probeAt";
    static final String JOB_ID = "jobId";
    static final String PRIORITY = "priority";
    static final String ADMITTED_AT = "admittedAt";
    static final String STARTS = "starts";
    static final String TAKEN_AT = "takenAt";
    static final String START = "start";
    static final String PROBE = "probe";
    static final String TYPICAL_MS = "typicalMs";
    static final String SAMPLES = "samples";

    /** A slot is free: fewer in use than both limits (a missing count is none in use). */
    static final String SLOT_FREE = "(attribute_not_exists(inUse) OR (inUse < :configured"
            + " AND (attribute_not_exists(learnedLimit) OR inUse < learnedLimit)))";
    static final String TAKE_CONDITION = SLOT_FREE + " AND attribute_not_exists(pausedBy)";
    static final String PROBE_CONDITION = SLOT_FREE + " AND pausedBy = :kling AND probeAt = :probeSeen";
    static final String EXISTS = "attribute_exists(pk)";
    static final String ABSENT = "attribute_not_exists(pk)";

    private static final AttributeValue ZERO = AttributeValue.fromN("0");
    private static final AttributeValue ONE = AttributeValue.fromN("1");
    private static final Map<Priority, String> RANK = Map.of(Priority.HIGH, "1", Priority.NORMAL, "5");

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbCapacityStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Ledger ledger() {
        Map<String, AttributeValue> item = get(key(LEDGER, ACCOUNT), true);
        if (item == null) {
            return Ledger.EMPTY;
        }
        Pause pause = null;
        String pausedBy = string(item, PAUSED_BY);
        if (pausedBy != null) {
            pause = new Pause(Pause.Source.valueOf(pausedBy), string(item, PAUSE_REASON),
                    Optional.ofNullable(instant(item, PAUSED_AT)).orElse(Instant.EPOCH), instant(item, PROBE_AT));
        }
        return new Ledger((int) number(item, IN_USE, 0), item.containsKey(LEARNED_LIMIT)
                ? (int) number(item, LEARNED_LIMIT, 0) : null,
                instant(item, LAST_REFUSAL_AT), instant(item, LAST_RAISE_AT), pause);
    }

    @Override
    public Optional<QueueEntry> head() {
        QueryResponse response = dynamoDb.query(partition(QUEUE).limit(1).build());
        return response.items().stream().findFirst().map(DynamoDbCapacityStore::entry);
    }

    @Override
    public List<QueueEntry> waiting() {
        return all(QUEUE).stream().map(DynamoDbCapacityStore::entry).toList();
    }

    @Override
    public long ahead(QueueEntry entry) {
        return count(QueryRequest.builder().tableName(tableName).consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk < :sk")
                .expressionAttributeValues(Map.of(":pk", s(QUEUE), ":sk", s(queueKey(entry)))));
    }

    @Override
    public long queueLength() {
        return count(partition(QUEUE));
    }

    @Override
    public Optional<SlotHold> hold(String jobId) {
        return Optional.ofNullable(get(key(SLOT, jobId), true)).map(DynamoDbCapacityStore::hold);
    }

    @Override
    public List<SlotHold> holds() {
        return all(SLOT).stream().map(DynamoDbCapacityStore::hold).toList();
    }

    @Override
    public Optional<RunTime> runTime(String profile) {
        return Optional.ofNullable(get(key(RUNTIME, profile), false)).map(DynamoDbCapacityStore::runTime);
    }

    @Override
    public Map<String, RunTime> runTimes() {
        Map<String, RunTime> times = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : all(RUNTIME)) {
            times.put(item.get(SK).s(), runTime(item));
        }
        return times;
    }

    // ------------------------------------------------------------------ queue and slots

    @Override
    public boolean enqueue(QueueEntry entry) {
        return transact(List.of(
                TransactWriteItem.builder().put(p -> p.tableName(tableName).item(queueItem(entry))
                        .conditionExpression(ABSENT)).build(),
                TransactWriteItem.builder().conditionCheck(c -> c.tableName(tableName).key(key(SLOT, entry.jobId()))
                        .conditionExpression(ABSENT)).build())).succeeded();
    }

    @Override
    public boolean take(QueueEntry entry, SlotHold hold, int configuredLimit, Probe probe) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":zero", ZERO);
        values.put(":one", ONE);
        values.put(":configured", AttributeValue.fromN(Integer.toString(configuredLimit)));
        String update = "SET inUse = if_not_exists(inUse, :zero) + :one";
        String condition = TAKE_CONDITION;
        if (probe != null) {
            values.put(":kling", s(Pause.Source.KLING.name()));
            values.put(":probeSeen", s(timestamp(probe.seen())));
            values.put(":probeNext", s(timestamp(probe.next())));
            update += ", probeAt = :probeNext";
            condition = PROBE_CONDITION;
        }
        String ledgerCondition = condition;
        String ledgerUpdate = update;
        return transact(List.of(
                TransactWriteItem.builder().delete(d -> d.tableName(tableName).key(key(QUEUE, queueKey(entry)))
                        .conditionExpression(EXISTS)).build(),
                TransactWriteItem.builder().put(p -> p.tableName(tableName).item(holdItem(hold))
                        .conditionExpression(ABSENT)).build(),
                TransactWriteItem.builder().update(u -> u.tableName(tableName).key(key(LEDGER, ACCOUNT))
                        .updateExpression(ledgerUpdate).conditionExpression(ledgerCondition)
                        .expressionAttributeValues(values)).build())).succeeded();
    }

    @Override
    public boolean release(String jobId, Release release) {
        Outcome outcome = transact(releaseItems(jobId, release, true));
        if (outcome.succeeded() || outcome.failed(0)) {
            return outcome.succeeded();
        }
        // The hold exists but the count says none in use (a count repaired too low): give the slot back
        // anyway; the reaper counts again.
        return transact(releaseItems(jobId, release, false)).succeeded();
    }

    private List<TransactWriteItem> releaseItems(String jobId, Release release, boolean decrement) {
        List<String> sets = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = null;
        if (decrement) {
            sets.add("inUse = inUse - :one");
            values.put(":one", ONE);
            values.put(":zero", ZERO);
            condition = "inUse > :zero";
        }
        if (release.learnedLimit() != null) {
            sets.add("learnedLimit = :learned");
            sets.add("lastRefusalAt = :refusedAt");
            values.put(":learned", AttributeValue.fromN(Integer.toString(release.learnedLimit())));
            values.put(":refusedAt", s(timestamp(release.refusedAt())));
        }
        Pause pause = release.pause();
        if (pause != null) {
            // An operator's pause stays the operator's; Kling's reason and probe time are the latest.
            sets.add("pausedBy = if_not_exists(pausedBy, :pausedBy)");
            sets.add("pausedAt = if_not_exists(pausedAt, :pausedAt)");
            sets.add("pauseReason = :reason");
            sets.add("probeAt = :probeAt");
            values.put(":pausedBy", s(pause.source().name()));
            values.put(":pausedAt", s(timestamp(pause.since())));
            values.put(":reason", s(pause.reason()));
            values.put(":probeAt", s(timestamp(pause.probeAt())));
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().delete(d -> d.tableName(tableName).key(key(SLOT, jobId))
                .conditionExpression(EXISTS)).build());
        if (!sets.isEmpty()) {
            String update = "SET " + String.join(", ", sets);
            String ledgerCondition = condition;
            items.add(TransactWriteItem.builder().update(u -> u.tableName(tableName).key(key(LEDGER, ACCOUNT))
                    .updateExpression(update).conditionExpression(ledgerCondition)
                    .expressionAttributeValues(values)).build());
        }
        if (release.requeue() != null) {
            items.add(TransactWriteItem.builder().put(p -> p.tableName(tableName).item(queueItem(release.requeue()))
                    .conditionExpression(ABSENT)).build());
        }
        return items;
    }

    @Override
    public boolean adopt(SlotHold hold) {
        return transact(List.of(
                TransactWriteItem.builder().put(p -> p.tableName(tableName).item(holdItem(hold))
                        .conditionExpression(ABSENT)).build(),
                TransactWriteItem.builder().update(u -> u.tableName(tableName).key(key(LEDGER, ACCOUNT))
                        .updateExpression("SET inUse = if_not_exists(inUse, :zero) + :one")
                        .expressionAttributeValues(Map.of(":zero", ZERO, ":one", ONE))).build())).succeeded();
    }

    @Override
    public boolean restart(SlotHold seen, int start) {
        return conditional(() -> dynamoDb.updateItem(u -> u.tableName(tableName).key(key(SLOT, seen.jobId()))
                .updateExpression("SET #start = :start")
                .conditionExpression("#start = :seen")
                .expressionAttributeNames(Map.of("#start", START))
                .expressionAttributeValues(Map.of(":start", AttributeValue.fromN(Integer.toString(start)),
                        ":seen", AttributeValue.fromN(Integer.toString(seen.start()))))));
    }

    @Override
    public boolean remove(QueueEntry entry) {
        return conditional(() -> dynamoDb.deleteItem(d -> d.tableName(tableName).key(key(QUEUE, queueKey(entry)))
                .conditionExpression(EXISTS)));
    }

    // ------------------------------------------------------------------ ledger

    @Override
    public boolean raiseLearnedLimit(int seen, Integer limit, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":seen", AttributeValue.fromN(Integer.toString(seen)));
        values.put(":at", s(timestamp(at)));
        String update;
        if (limit == null) {
            update = "SET lastRaiseAt = :at REMOVE learnedLimit";
        } else {
            update = "SET lastRaiseAt = :at, learnedLimit = :limit";
            values.put(":limit", AttributeValue.fromN(Integer.toString(limit)));
        }
        String expression = update;
        return conditional(() -> dynamoDb.updateItem(u -> u.tableName(tableName).key(key(LEDGER, ACCOUNT))
                .updateExpression(expression).conditionExpression("learnedLimit = :seen")
                .expressionAttributeValues(values)));
    }

    @Override
    public boolean recount(int seen, int holds) {
        return conditional(() -> dynamoDb.updateItem(u -> u.tableName(tableName).key(key(LEDGER, ACCOUNT))
                .updateExpression("SET inUse = :holds")
                .conditionExpression(seen == 0 ? "attribute_not_exists(inUse) OR inUse = :seen" : "inUse = :seen")
                .expressionAttributeValues(Map.of(":holds", AttributeValue.fromN(Integer.toString(holds)),
                        ":seen", AttributeValue.fromN(Integer.toString(seen))))));
    }

    @Override
    public void pause(Pause pause) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pausedBy", s(pause.source().name()));
        values.put(":reason", s(pause.reason() == null || pause.reason().isBlank() ? "paused" : pause.reason()));
        values.put(":pausedAt", s(timestamp(pause.since())));
        String update = "SET pausedBy = :pausedBy, pauseReason = :reason, pausedAt = :pausedAt";
        if (pause.probeAt() != null) {
            update += ", probeAt = :probeAt";
            values.put(":probeAt", s(timestamp(pause.probeAt())));
        } else {
            update += " REMOVE probeAt";
        }
        String expression = update;
        dynamoDb.updateItem(u -> u.tableName(tableName).key(key(LEDGER, ACCOUNT)).updateExpression(expression)
                .expressionAttributeValues(values));
    }

    @Override
    public boolean resume(Pause.Source onlyFrom) {
        return conditional(() -> dynamoDb.updateItem(u -> {
            u.tableName(tableName).key(key(LEDGER, ACCOUNT))
                    .updateExpression("REMOVE pausedBy, pauseReason, pausedAt, probeAt");
            if (onlyFrom == null) {
                u.conditionExpression("attribute_exists(pausedBy)");
            } else {
                u.conditionExpression("pausedBy = :source")
                        .expressionAttributeValues(Map.of(":source", s(onlyFrom.name())));
            }
        }));
    }

    @Override
    public void recordRunTime(String profile, RunTime runTime) {
        Map<String, AttributeValue> item = key(RUNTIME, profile);
        item.put(TYPICAL_MS, AttributeValue.fromN(Long.toString(runTime.typical().toMillis())));
        item.put(SAMPLES, AttributeValue.fromN(Long.toString(runTime.samples())));
        dynamoDb.putItem(p -> p.tableName(tableName).item(item));
    }

    // ------------------------------------------------------------------ items

    /** The queue's sort key: rank of the priority, admission time (fixed width, so text order is time order), id. */
    static String queueKey(QueueEntry entry) {
        return RANK.get(entry.priority()) + "#" + timestamp(entry.admittedAt()) + "#" + entry.jobId();
    }

    private static Map<String, AttributeValue> queueItem(QueueEntry entry) {
        Map<String, AttributeValue> item = key(QUEUE, queueKey(entry));
        item.put(JOB_ID, s(entry.jobId()));
        item.put(PRIORITY, s(entry.priority().name()));
        item.put(ADMITTED_AT, s(timestamp(entry.admittedAt())));
        item.put(STARTS, AttributeValue.fromN(Integer.toString(entry.starts())));
        return item;
    }

    private static QueueEntry entry(Map<String, AttributeValue> item) {
        return new QueueEntry(item.get(JOB_ID).s(), Priority.valueOf(item.get(PRIORITY).s()),
                Instant.parse(item.get(ADMITTED_AT).s()), (int) number(item, STARTS, 0));
    }

    private static Map<String, AttributeValue> holdItem(SlotHold hold) {
        Map<String, AttributeValue> item = key(SLOT, hold.jobId());
        item.put(TAKEN_AT, s(timestamp(hold.takenAt())));
        item.put(START, AttributeValue.fromN(Integer.toString(hold.start())));
        item.put(PROBE, AttributeValue.fromBool(hold.probe()));
        return item;
    }

    private static SlotHold hold(Map<String, AttributeValue> item) {
        return new SlotHold(item.get(SK).s(), Instant.parse(item.get(TAKEN_AT).s()), (int) number(item, START, 1),
                item.containsKey(PROBE) && Boolean.TRUE.equals(item.get(PROBE).bool()));
    }

    private static RunTime runTime(Map<String, AttributeValue> item) {
        return new RunTime(Duration.ofMillis(number(item, TYPICAL_MS, 0)), number(item, SAMPLES, 0));
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put(PK, s(pk));
        key.put(SK, s(sk));
        return key;
    }

    // ------------------------------------------------------------------ requests

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key, boolean consistent) {
        Map<String, AttributeValue> item = dynamoDb.getItem(g -> g.tableName(tableName).key(key)
                .consistentRead(consistent)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private QueryRequest.Builder partition(String pk) {
        return QueryRequest.builder().tableName(tableName).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", s(pk)));
    }

    private List<Map<String, AttributeValue>> all(String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = partition(pk);
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamoDb.query(query.build());
            items.addAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private long count(QueryRequest.Builder query) {
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            query.select(Select.COUNT).exclusiveStartKey(start);
            QueryResponse response = dynamoDb.query(query.build());
            count += response.count();
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    /** What a transaction did: committed, or cancelled with the reason of each item. */
    private record Outcome(List<String> reasons) {
        boolean succeeded() {
            return reasons == null;
        }

        /** Whether item {@code index} was cancelled for its own condition. */
        boolean failed(int index) {
            return reasons != null && index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index));
        }
    }

    private Outcome transact(List<TransactWriteItem> items) {
        try {
            dynamoDb.transactWriteItems(t -> t.transactItems(items));
            return new Outcome(null);
        } catch (TransactionCanceledException e) {
            List<String> reasons = e.hasCancellationReasons()
                    ? e.cancellationReasons().stream().map(CancellationReason::code).toList() : List.of();
            if (reasons.stream().noneMatch("ConditionalCheckFailed"::equals)) {
                throw e;
            }
            return new Outcome(reasons);
        }
    }

    private static boolean conditional(Runnable write) {
        try {
            write.run();
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static String timestamp(Instant instant) {
        return JobItemMapper.formatTimestamp(instant);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : Instant.parse(value);
    }

    private static long number(Map<String, AttributeValue> item, String name, long fallback) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? fallback : Long.parseLong(value.n());
    }
}
