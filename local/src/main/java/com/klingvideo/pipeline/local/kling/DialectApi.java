package com.klingvideo.pipeline.local.kling;

import java.util.Optional;

/**
 * What both dialects' front ends share: the simulated service behind them, what it counts, and the
 * routes of one task resource ({@code POST path} creates, {@code GET path} lists, {@code GET path/{id}}
 * queries), each dialect answering in its own shape.
 */
abstract class DialectApi implements FrontEnd {
    protected final SimulatedKling kling;
    protected final Faults faults;
    protected final Tally tally;
    protected final ReceivedCreates received;
    protected final OfficialJson json;
    private final String path;

    DialectApi(String path, SimulatedKling kling, Faults faults, Tally tally, ReceivedCreates received,
            OfficialJson json) {
        this.path = path;
        this.kling = kling;
        this.faults = faults;
        this.tally = tally;
        this.received = received;
        this.json = json;
    }

    @Override
    public final Reply handle(Request request) throws InterruptedException {
        if (request.is("POST", path)) {
            return create(request);
        }
        if (request.is("GET", path)) {
            return list(request);
        }
        Optional<String> id = request.segmentAfter(path);
        if (id.isPresent() && request.method().equals("GET")) {
            return query(request, id.get());
        }
        return Reply.notFound();
    }

    abstract Reply create(Request request) throws InterruptedException;

    abstract Reply query(Request request, String id) throws InterruptedException;

    /** The list route; a dialect without one answers 404. */
    Reply list(Request request) throws InterruptedException {
        return Reply.notFound();
    }

    /**
     * Takes the next create fault, if any, and strikes it (an error answer is thrown); the caller passes
     * what it returns to {@link #afterServing} once the task is created.
     */
    protected final Optional<Faults.Injected> strikeCreateFault() throws InterruptedException {
        Optional<Faults.Injected> fault = faults.nextCreateFault();
        if (fault.isPresent()) {
            fault.get().strike();
        }
        return fault;
    }

    /** A fault that holds the answer back (a lost answer) does so now, after the request was served. */
    protected static void afterServing(Optional<Faults.Injected> fault) throws InterruptedException {
        if (fault.isPresent()) {
            fault.get().afterServing();
        }
    }

    /** Counts a served query and strikes the next query fault, if any. */
    protected final void strikeQueryFault() throws InterruptedException {
        tally.queriesServed.increment();
        Optional<Faults.Injected> fault = faults.nextQueryFault();
        if (fault.isPresent()) {
            fault.get().strike();
        }
    }
}
