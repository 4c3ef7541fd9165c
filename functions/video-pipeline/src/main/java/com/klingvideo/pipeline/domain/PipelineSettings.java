package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.model.ParameterOverrides;
import java.time.Duration;
import java.util.List;

/**
 * Deployment settings the domain needs (from the template's Parameters, through the environment).
 *
 * @param bucket          the media bucket: inputs, API uploads and outputs
 * @param inputPrefix     where uploads start jobs, for example {@code inputs/}
 * @param outputPrefix    where finished videos go, for example {@code outputs/}
 * @param apiInputPrefix  where images sent to the API are kept; outside the input prefix so they start nothing
 * @param sharedImagePrefixes key prefixes every API caller may name as an image's {@code s3Key}, besides its
 *                        own area under {@code apiInputPrefix}; never the outputs or another caller's area
 * @param defaults        the template's default parameters, the bottom layer
 * @param presignTtl      lifetime of the image URL given to Kling
 * @param videoUrlTtl     lifetime of the video URL given to API callers
 */
public record PipelineSettings(
        String bucket,
        String inputPrefix,
        String outputPrefix,
        String apiInputPrefix,
        List<String> sharedImagePrefixes,
        ParameterOverrides defaults,
        ImageTransport imageTransport,
        Duration presignTtl,
        Duration videoUrlTtl) {

    public PipelineSettings {
        sharedImagePrefixes = List.copyOf(sharedImagePrefixes);
    }

    /** Where the finished video of a job is stored. */
    public String outputKey(String jobId) {
        return outputPrefix + jobId + ".mp4";
    }
}
