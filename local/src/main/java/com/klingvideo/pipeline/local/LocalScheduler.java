package com.klingvideo.pipeline.local;

import com.klingvideo.pipeline.local.lambda.InvocationResult;
import com.klingvideo.pipeline.local.lambda.LambdaHost;
import com.klingvideo.pipeline.log.JsonLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the template's scheduled functions (EventBridge Scheduler's {@code rate(...)} schedules) on the
 * Lambda host, one run at a time per function, with the scheduler's empty input. Locally the interval
 * may be shortened.
 */
final class LocalScheduler implements AutoCloseable {
    private static final JsonLog LOG = JsonLog.of(LocalScheduler.class);
    private static final byte[] INPUT = "{}".getBytes(StandardCharsets.UTF_8);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "local-scheduler");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param every the interval to use instead of each schedule's own, or null
     */
    LocalScheduler(LambdaHost host, List<CloudFormationStack.Schedule> schedules, Duration every) {
        for (CloudFormationStack.Schedule schedule : schedules) {
            long millis = (every != null ? every : schedule.every()).toMillis();
            timer.scheduleWithFixedDelay(() -> run(host, schedule), millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private static void run(LambdaHost host, CloudFormationStack.Schedule schedule) {
        try {
            InvocationResult result = host.invoke(schedule.function(), INPUT);
            if (result.failed()) {
                LOG.warn("schedule.run_failed", "function", schedule.function(), "schedule", schedule.name());
            }
        } catch (RuntimeException e) {
            LOG.warn("schedule.run_failed", "function", schedule.function(), "error", e.getClass().getName(),
                    "message", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
