package com.klingvideo.pipeline.entrypoints;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.domain.ApiJobs;
import com.klingvideo.pipeline.domain.CapacityView;
import com.klingvideo.pipeline.domain.Pause;
import com.klingvideo.pipeline.domain.QueuePlace;
import com.klingvideo.pipeline.model.GenerationParameters;
import com.klingvideo.pipeline.model.Job;
import com.klingvideo.pipeline.model.S3Location;
import java.net.URI;
import java.time.Instant;

/**
 * How a job looks to API callers: the stored record, minus internals, plus a fresh video URL and, while
 * it is live, its place in the queue; and how the account's capacity looks.
 */
final class JobJson {
    private JobJson() {
    }

    static ObjectNode of(ObjectMapper json, Job job, URI videoUrl) {
        ObjectNode node = json.createObjectNode();
        node.put("jobId", job.jobId());
        node.put("status", job.status().name());
        node.put("origin", job.origin().name());
        putLocation(node, "image", job.image());
        putLocation(node, "imageTail", job.imageTail());
        GenerationParameters p = job.parameters();
        if (p != null) {
            ObjectNode params = node.putObject("parameters");
            params.put("model", p.model());
            params.put("mode", p.mode());
            params.put("duration", p.duration());
            params.put("prompt", p.prompt());
            params.put("negativePrompt", p.negativePrompt());
            if (p.cfgScale() != null) {
                params.put("cfgScale", p.cfgScale());
            }
            if (p.aspectRatio() != null) {
                params.put("aspectRatio", p.aspectRatio());
            }
        }
        ArrayNode sources = node.putArray("parameterSources");
        job.parameterSources().forEach(sources::add);
        putText(node, "idempotencyKey", job.idempotencyKey());
        node.put("priority", job.priority().word());
        putTime(node, "createdAt", job.createdAt());
        putTime(node, "updatedAt", job.updatedAt());
        putTime(node, "submittedAt", job.submittedAt());
        putTime(node, "lastCheckedAt", job.lastCheckedAt());
        putTime(node, "completedAt", job.completedAt());
        node.put("submitAttempts", job.submitAttempts());
        putText(node, "lastError", job.lastError());
        putText(node, "klingTaskId", job.klingTaskId());
        putText(node, "klingStatus", job.klingStatus());
        node.put("pollCount", job.pollCount());
        if (job.failure() != null) {
            node.putObject("failure").put("code", job.failure().code()).put("reason", job.failure().reason());
        }
        if (job.video() != null) {
            ObjectNode video = node.putObject("video");
            video.put("key", job.video().storedKey());
            video.put("sizeBytes", job.video().sizeBytes());
            putText(video, "durationSeconds", job.video().durationSeconds());
            if (videoUrl != null) {
                video.put("url", videoUrl.toString());
            }
        }
        putText(node, "unitsDeducted", job.unitsDeducted());
        if (!job.notes().isEmpty()) {
            ArrayNode notes = node.putArray("notes");
            job.notes().forEach(notes::add);
        }
        return node;
    }

    static ObjectNode of(ObjectMapper json, ApiJobs.JobView view) {
        ObjectNode node = of(json, view.job(), view.videoUrl());
        QueuePlace place = view.place();
        if (place != null) {
            ObjectNode queue = node.putObject("queue");
            if (place.ahead() != null) {
                queue.put("position", place.ahead() + 1);
                queue.put("jobsAhead", place.ahead());
            }
            putTime(queue, "expectedStartAt", place.expectedStart());
            putTime(queue, "expectedDoneAt", place.expectedEnd());
            if (place.eta() != null) {
                queue.put("etaSeconds", place.eta().toSeconds());
            }
        }
        return node;
    }

    /** {@code GET /capacity}: slots in use, configured and effective limit, queue length, pause. */
    static ObjectNode of(ObjectMapper json, CapacityView view) {
        ObjectNode node = json.createObjectNode();
        node.put("slotsInUse", view.inUse());
        node.put("configuredLimit", view.configuredLimit());
        node.put("effectiveLimit", view.effectiveLimit());
        node.put("queued", view.queued());
        Pause pause = view.pause();
        node.put("intakePaused", pause != null);
        if (pause != null) {
            ObjectNode paused = node.putObject("pause");
            paused.put("by", pause.source().name());
            putText(paused, "reason", pause.reason());
            putTime(paused, "since", pause.since());
            putTime(paused, "probeAt", pause.probeAt());
        }
        ObjectNode times = node.putObject("runTimes");
        view.runTimes().forEach((profile, runTime) -> times.putObject(profile)
                .put("typicalSeconds", runTime.typical().toMillis() / 1000.0)
                .put("samples", runTime.samples()));
        return node;
    }

    private static void putLocation(ObjectNode node, String name, S3Location location) {
        if (location != null) {
            ObjectNode at = node.putObject(name).put("bucket", location.bucket()).put("key", location.key());
            if (location.versionId() != null) {
                at.put("versionId", location.versionId());
            }
        }
    }

    private static void putText(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void putTime(ObjectNode node, String name, Instant value) {
        if (value != null) {
            node.put(name, value.toString());
        }
    }
}
