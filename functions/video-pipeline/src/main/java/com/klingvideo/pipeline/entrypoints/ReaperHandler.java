package com.klingvideo.pipeline.entrypoints;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.config.Components;
import com.klingvideo.pipeline.domain.Reaper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * ReaperFunction, run by its schedule every few minutes (the scheduler's event is not read): repairs
 * leaked slots, orphaned jobs and the ledger, expires jobs that waited too long, and dispatches.
 * Output: what it repaired, as {@link Reaper.Report}'s fields.
 */
public class ReaperHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Reaper reaper;

    public ReaperHandler() {
        this(Components.fromEnvironment().reaper());
    }

    public ReaperHandler(Reaper reaper) {
        this.reaper = reaper;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(OutputStream.nullOutputStream());
        Reaper.Report report = reaper.run();
        JSON.writeValue(output, JSON.createObjectNode()
                .put("released", report.released())
                .put("restarted", report.restarted())
                .put("requeued", report.requeued())
                .put("adopted", report.adopted())
                .put("expired", report.expired())
                .put("recounted", report.recounted())
                .put("overdue", report.overdue())
                .put("dispatched", report.dispatched()));
    }
}
