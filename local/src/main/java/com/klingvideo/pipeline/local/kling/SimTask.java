package com.klingvideo.pipeline.local.kling;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One task. Its schedule is fixed at create time and its state is read off the clock, so nothing
 * runs in the background but the video rendering: {@code submitted} until {@code processingAt},
 * {@code processing} until {@code endsAt}, then {@code succeed} or {@code failed}. A task that is due
 * to succeed keeps answering {@code processing} until its video is rendered.
 *
 * @param failureReason the {@code task_status_msg} it will fail with, or null when it is to succeed
 * @param video         the rendered MP4; null for a task that is to fail
 */
record SimTask(
        String id,
        String externalTaskId,
        String videoId,
        CreateRequest request,
        Instant createdAt,
        Instant processingAt,
        Instant endsAt,
        String failureReason,
        CompletableFuture<byte[]> video) {

    enum Status {
        SUBMITTED("submitted", "SUBMITTED"),
        PROCESSING("processing", "IN_PROGRESS"),
        SUCCEED("succeed", "SUCCESS"),
        FAILED("failed", "FAILURE");

        private final String official;
        private final String gateway;

        Status(String official, String gateway) {
            this.official = official;
            this.gateway = gateway;
        }

        String official() {
            return official;
        }

        String gateway() {
            return gateway;
        }

        boolean ended() {
            return this == SUCCEED || this == FAILED;
        }
    }

    /**
     * The task as seen at one moment.
     *
     * @param startedAt  when it began processing, or null
     * @param finishedAt when it ended, or null
     * @param progress   0..100, for a gateway's {@code "NN%"}
     */
    record View(SimTask task, Status status, String statusMessage, Instant updatedAt, Instant startedAt,
                Instant finishedAt, int progress) {
    }

    /** Whether it holds a slot of the account's concurrency limit at {@code now}. */
    boolean running(Instant now) {
        return now.isBefore(endsAt);
    }

    /**
     * @param renderWait how long to wait for a video that is due but not rendered yet; zero to not wait
     */
    View viewAt(Instant now, Duration renderWait) {
        if (now.isBefore(processingAt)) {
            return new View(this, Status.SUBMITTED, "", createdAt, null, null, 10);
        }
        if (now.isBefore(endsAt)) {
            long total = Math.max(1, Duration.between(processingAt, endsAt).toMillis());
            long done = Duration.between(processingAt, now).toMillis();
            return processing(10 + (int) (89 * done / total));
        }
        if (failureReason != null) {
            return failed(failureReason);
        }
        try {
            video.get(renderWait.toMillis(), TimeUnit.MILLISECONDS);
            return new View(this, Status.SUCCEED, "", endsAt, processingAt, endsAt, 100);
        } catch (TimeoutException e) {
            return processing(99);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return processing(99);
        } catch (ExecutionException e) {
            return failed(e.getCause() instanceof VideoRenderer.UnreadableImageException
                    ? "Image format is invalid"
                    : "Video generation failed");
        }
    }

    private View processing(int progress) {
        return new View(this, Status.PROCESSING, "", processingAt, processingAt, null, progress);
    }

    private View failed(String reason) {
        Instant startedAt = processingAt.equals(endsAt) ? null : processingAt;
        return new View(this, Status.FAILED, reason, endsAt, startedAt, endsAt, 100);
    }

    /**
     * Kling's {@code final_unit_deduction} for a task that succeeded: 1 unit per 5 s in std, twice that
     * in pro; a failed task costs nothing.
     */
    String unitsDeducted(Status status) {
        if (status != Status.SUCCEED) {
            return "0";
        }
        int units = Integer.parseInt(request.duration()) / 5 * ("pro".equals(request.mode()) ? 2 : 1);
        return Integer.toString(units);
    }
}
