package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The exact conditional writes behind the slot ledger and the queue, as they reach DynamoDB. */
class DynamoDbCapacityStoreTest {
    private static final String TABLE = "Capacity";
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00.123Z");
    private static final QueueEntry ENTRY = new QueueEntry("u-1", Priority.NORMAL, AT, 0);
    private static final SlotHold HOLD = new SlotHold("u-1", AT.plusSeconds(5), 1, false);

    private final FakeSdkHttpClient http = new FakeSdkHttpClient();
    private final DynamoDbCapacityStore store = new DynamoDbCapacityStore(TestSdkClients.dynamoDb(http), TABLE);

    /** DynamoDB's answer when a transaction's conditions fail, with one reason per item. */
    private void cancelled(String... reasons) {
        StringBuilder list = new StringBuilder();
        for (String reason : reasons) {
            list.append(list.length() == 0 ? "" : ",").append("{\"Code\":\"").append(reason).append("\"}");
        }
        http.respondJson(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
                + "\"message\":\"Transaction cancelled\",\"CancellationReasons\":[" + list + "]}");
    }

    private JsonNode items() {
        FakeSdkHttpClient.Recorded request = http.requests().get(http.requests().size() - 1);
        assertThat(request.target()).isEqualTo("DynamoDB_20120810.TransactWriteItems");
        return request.json().path("TransactItems");
    }

    @Test
    void queueKey_should_sortByPriorityThenAdmissionThenId() {
        String high = DynamoDbCapacityStore.queueKey(new QueueEntry("a-9", Priority.HIGH, AT.plusSeconds(60), 0));
        String early = DynamoDbCapacityStore.queueKey(ENTRY);
        String late = DynamoDbCapacityStore.queueKey(new QueueEntry("u-0", Priority.NORMAL, AT.plusMillis(1), 0));
        assertThat(early).isEqualTo("5#2026-11-25T10:00:00.123Z#u-1");
        assertThat(high.compareTo(early)).isNegative();
        assertThat(early.compareTo(late)).isNegative();
    }

    @Test
    void take_should_moveTheEntryToAHoldAndCountIt_inOneTransactionConditionalOnAFreeSlot() {
        http.respondJson(200, "{}");

        assertThat(store.take(ENTRY, HOLD, 4, null)).isTrue();

        JsonNode items = items();
        assertThat(items).hasSize(3);
        JsonNode dequeue = items.get(0).path("Delete");
        assertThat(dequeue.path("TableName").asText()).isEqualTo(TABLE);
        assertThat(dequeue.path("Key").path("pk").path("S").asText()).isEqualTo("QUEUE");
        assertThat(dequeue.path("Key").path("sk").path("S").asText()).isEqualTo("5#2026-11-25T10:00:00.123Z#u-1");
        assertThat(dequeue.path("ConditionExpression").asText()).isEqualTo("attribute_exists(pk)");
        JsonNode hold = items.get(1).path("Put");
        assertThat(hold.path("Item").path("pk").path("S").asText()).isEqualTo("SLOT");
        assertThat(hold.path("Item").path("sk").path("S").asText()).isEqualTo("u-1");
        assertThat(hold.path("Item").path("takenAt").path("S").asText()).isEqualTo("2026-11-25T10:00:05.123Z");
        assertThat(hold.path("Item").path("start").path("N").asText()).isEqualTo("1");
        assertThat(hold.path("ConditionExpression").asText()).isEqualTo("attribute_not_exists(pk)");
        JsonNode ledger = items.get(2).path("Update");
        assertThat(ledger.path("Key").path("pk").path("S").asText()).isEqualTo("LEDGER");
        assertThat(ledger.path("UpdateExpression").asText()).isEqualTo("SET inUse = if_not_exists(inUse, :zero) + :one");
        assertThat(ledger.path("ConditionExpression").asText()).isEqualTo("(attribute_not_exists(inUse) OR "
                + "(inUse < :configured AND (attribute_not_exists(learnedLimit) OR inUse < learnedLimit)))"
                + " AND attribute_not_exists(pausedBy)");
        assertThat(ledger.path("ExpressionAttributeValues").path(":configured").path("N").asText()).isEqualTo("4");
    }

    @Test
    void take_should_returnFalse_when_noSlotIsFree() {
        cancelled("None", "None", "ConditionalCheckFailed");
        assertThat(store.take(ENTRY, HOLD, 4, null)).isFalse();
    }

    @Test
    void take_should_alsoMoveTheProbeTime_when_probingAPausedIntake() {
        http.respondJson(200, "{}");
        CapacityStore.Probe probe = new CapacityStore.Probe(AT, AT.plus(Duration.ofMinutes(15)));

        store.take(ENTRY, new SlotHold("u-1", AT, 1, true), 4, probe);

        JsonNode ledger = items().get(2).path("Update");
        assertThat(ledger.path("UpdateExpression").asText())
                .isEqualTo("SET inUse = if_not_exists(inUse, :zero) + :one, probeAt = :probeNext");
        assertThat(ledger.path("ConditionExpression").asText()).endsWith("AND pausedBy = :kling AND probeAt = :probeSeen");
        assertThat(ledger.path("ExpressionAttributeValues").path(":probeSeen").path("S").asText())
                .isEqualTo("2026-11-25T10:00:00.123Z");
        assertThat(ledger.path("ExpressionAttributeValues").path(":probeNext").path("S").asText())
                .isEqualTo("2026-11-25T10:15:00.123Z");
        assertThat(items().get(1).path("Put").path("Item").path("probe").path("BOOL").asBoolean()).isTrue();
    }

    @Test
    void release_should_deleteTheHoldAndUncount_when_theTaskEnded() {
        http.respondJson(200, "{}");

        assertThat(store.release("u-1", Release.done())).isTrue();

        JsonNode items = items();
        assertThat(items).hasSize(2);
        assertThat(items.get(0).path("Delete").path("Key").path("sk").path("S").asText()).isEqualTo("u-1");
        assertThat(items.get(0).path("Delete").path("ConditionExpression").asText()).isEqualTo("attribute_exists(pk)");
        assertThat(items.get(1).path("Update").path("UpdateExpression").asText()).isEqualTo("SET inUse = inUse - :one");
        assertThat(items.get(1).path("Update").path("ConditionExpression").asText()).isEqualTo("inUse > :zero");
    }

    @Test
    void release_should_returnFalseAndWriteNothingElse_when_theJobHeldNoSlot() {
        // GIVEN the hold is gone (released before): the transaction's first condition fails
        cancelled("ConditionalCheckFailed", "None");
        // WHEN / THEN the repeat is a no-op, reported as such, with no second attempt
        assertThat(store.release("u-1", Release.done())).isFalse();
        assertThat(http.requests()).hasSize(1);
    }

    @Test
    void release_should_stillFreeTheHold_when_theCountIsAlreadyZero() {
        // GIVEN a hold while the ledger says none in use (a count repaired too low)
        cancelled("None", "ConditionalCheckFailed");
        http.respondJson(200, "{}");
        // WHEN released THEN the hold goes anyway, without a decrement below zero
        assertThat(store.release("u-1", Release.done())).isTrue();
        assertThat(items()).hasSize(1);
        assertThat(items().get(0).path("Delete").path("Key").path("sk").path("S").asText()).isEqualTo("u-1");
    }

    @Test
    void release_should_requeueAndLearnTheLimit_inTheSameTransaction_when_klingRefusedForConcurrency() {
        http.respondJson(200, "{}");
        QueueEntry back = new QueueEntry("u-1", Priority.NORMAL, AT, 1);

        store.release("u-1", Release.backToQueue(back).lowering(3, AT.plusSeconds(9)));

        JsonNode items = items();
        assertThat(items).hasSize(3);
        JsonNode ledger = items.get(1).path("Update");
        assertThat(ledger.path("UpdateExpression").asText())
                .isEqualTo("SET inUse = inUse - :one, learnedLimit = :learned, lastRefusalAt = :refusedAt");
        assertThat(ledger.path("ExpressionAttributeValues").path(":learned").path("N").asText()).isEqualTo("3");
        JsonNode requeue = items.get(2).path("Put");
        assertThat(requeue.path("Item").path("sk").path("S").asText()).isEqualTo("5#2026-11-25T10:00:00.123Z#u-1");
        assertThat(requeue.path("Item").path("starts").path("N").asText()).isEqualTo("1");
        assertThat(requeue.path("ConditionExpression").asText()).isEqualTo("attribute_not_exists(pk)");
    }

    @Test
    void release_should_pauseIntakeKeepingAnOperatorsPause_when_klingReportsAnAccountProblem() {
        http.respondJson(200, "{}");
        Pause pause = new Pause(Pause.Source.KLING, "Kling 1102: pack used up", AT, AT.plus(Duration.ofMinutes(15)));

        store.release("u-1", Release.backToQueue(ENTRY).pausing(pause));

        JsonNode ledger = items().get(1).path("Update");
        assertThat(ledger.path("UpdateExpression").asText()).isEqualTo("SET inUse = inUse - :one, "
                + "pausedBy = if_not_exists(pausedBy, :pausedBy), pausedAt = if_not_exists(pausedAt, :pausedAt), "
                + "pauseReason = :reason, probeAt = :probeAt");
        assertThat(ledger.path("ExpressionAttributeValues").path(":pausedBy").path("S").asText()).isEqualTo("KLING");
    }

    @Test
    void enqueue_should_putTheEntryOnlyIfAbsentAndTheJobHoldsNoSlot() {
        http.respondJson(200, "{}");
        assertThat(store.enqueue(ENTRY)).isTrue();
        JsonNode items = items();
        assertThat(items.get(0).path("Put").path("Item").path("jobId").path("S").asText()).isEqualTo("u-1");
        assertThat(items.get(0).path("Put").path("ConditionExpression").asText()).isEqualTo("attribute_not_exists(pk)");
        assertThat(items.get(1).path("ConditionCheck").path("Key").path("pk").path("S").asText()).isEqualTo("SLOT");
        assertThat(items.get(1).path("ConditionCheck").path("ConditionExpression").asText())
                .isEqualTo("attribute_not_exists(pk)");

        cancelled("ConditionalCheckFailed", "None");
        assertThat(store.enqueue(ENTRY)).isFalse();
    }

    @Test
    void transact_should_propagate_when_cancelledForAnotherReason() {
        // GIVEN DynamoDB cancels for a conflict with another transaction, not a condition
        cancelled("TransactionConflict", "None", "None");
        // WHEN / THEN it is not mistaken for "no slot": the caller's retry (or Lambda's) decides
        assertThatThrownBy(() -> store.take(ENTRY, HOLD, 4, null)).isInstanceOf(TransactionCanceledException.class);
    }

    @Test
    void ledger_should_readEveryField_when_itemExists() {
        http.respondJson(200, "{\"Item\":{\"pk\":{\"S\":\"LEDGER\"},\"sk\":{\"S\":\"ACCOUNT\"},\"inUse\":{\"N\":\"3\"},"
                + "\"learnedLimit\":{\"N\":\"3\"},\"lastRefusalAt\":{\"S\":\"2026-11-25T10:00:00.123Z\"},"
                + "\"pausedBy\":{\"S\":\"KLING\"},\"pauseReason\":{\"S\":\"Kling 1102\"},"
                + "\"pausedAt\":{\"S\":\"2026-11-25T10:00:00.123Z\"},\"probeAt\":{\"S\":\"2026-11-25T10:15:00.123Z\"}}}");

        Ledger ledger = store.ledger();

        assertThat(ledger.inUse()).isEqualTo(3);
        assertThat(ledger.learnedLimit()).isEqualTo(3);
        assertThat(ledger.lastRefusalAt()).isEqualTo(AT);
        assertThat(ledger.pause()).isEqualTo(new Pause(Pause.Source.KLING, "Kling 1102", AT, AT.plus(Duration.ofMinutes(15))));
        JsonNode get = http.onlyRequest().json();
        assertThat(get.path("ConsistentRead").asBoolean()).isTrue();
    }

    @Test
    void ledger_should_beEmpty_when_nothingWasEverTaken() {
        http.respondJson(200, "{}");
        assertThat(store.ledger()).isEqualTo(Ledger.EMPTY);
    }

    @Test
    void headAndAhead_should_queryTheQueuePartitionInOrder_withStrongConsistency() {
        http.respondJson(200, "{\"Items\":[{\"pk\":{\"S\":\"QUEUE\"},\"sk\":{\"S\":\"5#x#u-1\"},\"jobId\":{\"S\":\"u-1\"},"
                + "\"priority\":{\"S\":\"NORMAL\"},\"admittedAt\":{\"S\":\"2026-11-25T10:00:00.123Z\"},"
                + "\"starts\":{\"N\":\"2\"}}],\"Count\":1}");
        http.respondJson(200, "{\"Count\":7}");

        assertThat(store.head()).hasValue(new QueueEntry("u-1", Priority.NORMAL, AT, 2));
        assertThat(store.ahead(ENTRY)).isEqualTo(7);

        JsonNode head = http.requests().get(0).json();
        assertThat(head.path("KeyConditionExpression").asText()).isEqualTo("pk = :pk");
        assertThat(head.path("Limit").asInt()).isEqualTo(1);
        assertThat(head.path("ConsistentRead").asBoolean()).isTrue();
        JsonNode ahead = http.requests().get(1).json();
        assertThat(ahead.path("KeyConditionExpression").asText()).isEqualTo("pk = :pk AND sk < :sk");
        assertThat(ahead.path("Select").asText()).isEqualTo("COUNT");
        assertThat(ahead.path("ExpressionAttributeValues").path(":sk").path("S").asText())
                .isEqualTo("5#2026-11-25T10:00:00.123Z#u-1");
    }

    @Test
    void raiseLearnedLimit_should_beConditionalOnTheLimitSeen_andForgetItAtTheConfiguredLimit() {
        http.respondJson(200, "{}");
        http.respondJson(200, "{}");
        store.raiseLearnedLimit(2, 3, AT);
        store.raiseLearnedLimit(3, null, AT);
        JsonNode raise = http.requests().get(0).json();
        assertThat(raise.path("UpdateExpression").asText()).isEqualTo("SET lastRaiseAt = :at, learnedLimit = :limit");
        assertThat(raise.path("ConditionExpression").asText()).isEqualTo("learnedLimit = :seen");
        assertThat(http.requests().get(1).json().path("UpdateExpression").asText())
                .isEqualTo("SET lastRaiseAt = :at REMOVE learnedLimit");
    }

    @Test
    void resume_should_onlyEndAPauseFromTheGivenSource() {
        http.respondJsonError(400, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "failed");
        assertThat(store.resume(Pause.Source.KLING)).isFalse();
        JsonNode resume = http.onlyRequest().json();
        assertThat(resume.path("UpdateExpression").asText()).isEqualTo("REMOVE pausedBy, pauseReason, pausedAt, probeAt");
        assertThat(resume.path("ConditionExpression").asText()).isEqualTo("pausedBy = :source");
    }

    @Test
    void recordRunTime_should_putTheProfilesEstimate() {
        http.respondJson(200, "{}");
        store.recordRunTime("kling-v2-1/std/5", new RunTime(Duration.ofMillis(164_250), 12));
        JsonNode item = http.onlyRequest().json().path("Item");
        assertThat(item.path("pk").path("S").asText()).isEqualTo("RUNTIME");
        assertThat(item.path("sk").path("S").asText()).isEqualTo("kling-v2-1/std/5");
        assertThat(item.path("typicalMs").path("N").asText()).isEqualTo("164250");
        assertThat(item.path("samples").path("N").asText()).isEqualTo("12");
    }
}
