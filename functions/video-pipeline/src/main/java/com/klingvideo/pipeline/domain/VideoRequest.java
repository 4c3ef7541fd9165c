package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.model.GenerationParameters;

/**
 * What is sent to Kling to create one task.
 *
 * @param externalTaskId our jobId
 * @param image          an https URL (presigned) or raw base64 without a {@code data:} prefix
 * @param imageTail      same forms, or null
 */
public record VideoRequest(String externalTaskId, String image, String imageTail, GenerationParameters parameters) {
}
