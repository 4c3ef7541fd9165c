package com.klingvideo.pipeline.local.kling;

import java.util.Map;

/**
 * What a simulator has done so far, read at one moment.
 *
 * @param tasksCreated        creates that were accepted (a task exists)
 * @param createsRejected     create requests answered with an error, by the code in the answer: Kling's
 *                            number ({@code "1303"}; also inside a gateway's {@code fail_to_fetch_task}),
 *                            a gateway code ({@code "invalid_request"}), {@code "new_api_error"} for a
 *                            gateway key refusal, {@code "http_503"} for a body-less answer
 * @param peakConcurrentTasks the most tasks that were running at once
 * @param activeTasks         tasks running now (holding a slot of the concurrency limit)
 * @param queriesServed       authenticated requests on a task query route (by id, external id, list)
 * @param imageFetches        image URLs fetched (successful or not)
 * @param videoDownloads      video files served
 */
public record SimulatorCounters(
        long tasksCreated,
        Map<String, Long> createsRejected,
        int peakConcurrentTasks,
        int activeTasks,
        long queriesServed,
        long imageFetches,
        long videoDownloads) {

    public SimulatorCounters {
        createsRejected = Map.copyOf(createsRejected);
    }

    /** Creates rejected with this code. */
    public long createsRejected(String code) {
        return createsRejected.getOrDefault(code, 0L);
    }
}
