package com.klingvideo.pipeline.local.kling;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * Failures to inject into a running simulator; tests and the local stack call these at any time.
 * Injected request faults are used in the order they were added and each answers exactly one request.
 * Precedence for a create: {@link #outage(boolean) outage}, then queued faults, then the periodic fault
 * from {@link SimulatorConfig#failEveryNthCreate()}.
 */
public final class Faults {

    /** A queued fault and, for TIMEOUT, how long to hold the answer back. */
    record Injected(Fault fault, Duration stall) {

        /** Throws the fault's error answer; a TIMEOUT sleeps instead and lets the request go on. */
        void strike() throws InterruptedException {
            if (fault == Fault.TIMEOUT) {
                Thread.sleep(stall.toMillis());
                return;
            }
            if (fault == Fault.LOST_ANSWER) {
                return;
            }
            throw fault.failure();
        }

        /** After the request was served: a LOST_ANSWER holds its answer back. */
        void afterServing() throws InterruptedException {
            if (fault == Fault.LOST_ANSWER) {
                Thread.sleep(stall.toMillis());
            }
        }
    }

    private final Duration defaultStall;
    private final int failEveryNthCreate;
    private final Fault periodicFault;
    private final Deque<Injected> createFaults = new ArrayDeque<>();
    private final Deque<Injected> queryFaults = new ArrayDeque<>();
    private final Deque<String> taskFailures = new ArrayDeque<>();
    private boolean outage;
    private boolean statusOutage;
    private Duration lookupLag = Duration.ZERO;
    private long createsSeen;
    private long queriesSeen;

    Faults(SimulatorConfig config) {
        this.defaultStall = config.stallDuration();
        this.failEveryNthCreate = config.failEveryNthCreate();
        this.periodicFault = config.periodicFault();
        this.outage = config.outage();
    }

    /** The next {@code count} create requests answer with {@code fault} (TIMEOUT: stall, then create). */
    public synchronized Faults failNextCreates(int count, Fault fault) {
        enqueue(createFaults, count, new Injected(Objects.requireNonNull(fault, "fault"), defaultStall));
        return this;
    }

    /** The next {@code count} create requests get no answer for {@code stall}, then are served normally. */
    public synchronized Faults stallNextCreates(int count, Duration stall) {
        enqueue(createFaults, count, new Injected(Fault.TIMEOUT, positive(stall)));
        return this;
    }

    /**
     * The next {@code count} creates are served (their tasks exist) but their answers are held back for
     * {@code stall}: set it longer than the client's read timeout to lose the answer.
     */
    public synchronized Faults loseNextCreateAnswers(int count, Duration stall) {
        enqueue(createFaults, count, new Injected(Fault.LOST_ANSWER, positive(stall)));
        return this;
    }

    /**
     * A task is found by queries and lookups only {@code lag} after it was created, while its
     * external_task_id is taken at once: Kling's reads trailing its writes. Zero turns it off.
     */
    public synchronized Faults lagLookups(Duration lag) {
        if (lag == null || lag.isNegative()) {
            throw new IllegalArgumentException("a lag must not be negative");
        }
        this.lookupLag = lag;
        return this;
    }

    synchronized Duration lookupLag() {
        return lookupLag;
    }

    /** The next {@code count} task queries (query by id, lookup, list) answer with {@code fault}. */
    public synchronized Faults failNextQueries(int count, Fault fault) {
        enqueue(queryFaults, count, new Injected(Objects.requireNonNull(fault, "fault"), defaultStall));
        return this;
    }

    /**
     * The next {@code count} tasks that are accepted end {@code failed} with {@code reason} as their
     * {@code task_status_msg}, after the full task latency, as a generation failure does.
     */
    public synchronized Faults failNextTasks(int count, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a failed task needs a reason");
        }
        for (int i = 0; i < requireCount(count); i++) {
            taskFailures.add(reason);
        }
        return this;
    }

    /** While on, every create answers 5000 (HTTP 500); queries are still served. */
    public synchronized Faults outage(boolean on) {
        this.outage = on;
        return this;
    }

    public synchronized boolean outage() {
        return outage;
    }

    /**
     * While on, every task query (query by id, lookup, list) fails, alternating between code 5000 (HTTP
     * 500) and an HTTP 503 with no body; creates are still served, and tasks go on running and finish.
     */
    public synchronized Faults statusOutage(boolean on) {
        this.statusOutage = on;
        return this;
    }

    /** Forgets every queued fault and ends an outage; the periodic fault from the config stays. */
    public synchronized void clear() {
        createFaults.clear();
        queryFaults.clear();
        taskFailures.clear();
        outage = false;
        statusOutage = false;
        lookupLag = Duration.ZERO;
    }

    synchronized Optional<Injected> nextCreateFault() {
        createsSeen++;
        if (outage) {
            return Optional.of(new Injected(Fault.SERVER_ERROR_5000, Duration.ZERO));
        }
        Injected queued = createFaults.poll();
        if (queued != null) {
            return Optional.of(queued);
        }
        if (failEveryNthCreate > 0 && createsSeen % failEveryNthCreate == 0) {
            return Optional.of(new Injected(periodicFault, defaultStall));
        }
        return Optional.empty();
    }

    synchronized Optional<Injected> nextQueryFault() {
        queriesSeen++;
        if (statusOutage) {
            Fault fault = queriesSeen % 2 == 0 ? Fault.SERVER_ERROR_5000 : Fault.HTTP_503_NO_BODY;
            return Optional.of(new Injected(fault, Duration.ZERO));
        }
        return Optional.ofNullable(queryFaults.poll());
    }

    synchronized Optional<String> nextTaskFailure() {
        return Optional.ofNullable(taskFailures.poll());
    }

    private static void enqueue(Deque<Injected> queue, int count, Injected injected) {
        for (int i = 0; i < requireCount(count); i++) {
            queue.add(injected);
        }
    }

    private static int requireCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        return count;
    }

    private static Duration positive(Duration stall) {
        if (stall == null || stall.isNegative() || stall.isZero()) {
            throw new IllegalArgumentException("a stall must be positive");
        }
        return stall;
    }
}
