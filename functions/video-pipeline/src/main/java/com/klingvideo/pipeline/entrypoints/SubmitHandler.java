package com.klingvideo.pipeline.entrypoints;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.klingvideo.pipeline.config.Components;
import com.klingvideo.pipeline.domain.UploadIntake;
import com.klingvideo.pipeline.log.JsonLog;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SubmitFunction: S3 ObjectCreated notifications under the input prefix become jobs.
 * Every record is handled even if one fails; a failure is rethrown afterwards so Lambda's retry (and
 * then the dead-letter queue) keeps the event, and the repeat is harmless because admission is idempotent.
 */
public class SubmitHandler implements RequestHandler<S3Event, List<String>> {
    private static final JsonLog LOG = JsonLog.of(SubmitHandler.class);

    private final UploadIntake intake;

    public SubmitHandler() {
        this(Components.fromEnvironment().uploadIntake());
    }

    public SubmitHandler(UploadIntake intake) {
        this.intake = intake;
    }

    /** @return what became of each record, in order (for logs and tests) */
    @Override
    public List<String> handleRequest(S3Event event, Context context) {
        List<String> results = new ArrayList<>();
        RuntimeException firstFailure = null;
        List<S3EventNotificationRecord> records = event == null || event.getRecords() == null
                ? List.of() : event.getRecords();
        for (S3EventNotificationRecord record : records) {
            String bucket = record.getS3().getBucket().getName();
            String key = decodeKey(record.getS3().getObject().getKey());
            try {
                UploadIntake.Result result = intake.onObjectCreated(bucket, key,
                        record.getS3().getObject().getVersionId(), record.getS3().getObject().geteTag());
                results.add(result.name());
            } catch (RuntimeException e) {
                LOG.error("upload.failed", "bucket", bucket, "key", key, "error", e.getClass().getName(),
                        "message", e.getMessage());
                results.add("ERROR");
                if (firstFailure == null) {
                    firstFailure = e;
                }
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return results;
    }

    /** S3 event keys are URL-encoded the form way: {@code +} is a space, {@code %2F} a slash. */
    static String decodeKey(String key) {
        return URLDecoder.decode(key, StandardCharsets.UTF_8);
    }
}
