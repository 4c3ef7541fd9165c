package com.klingvideo.pipeline.model;

/**
 * The generation settings of one job, resolved and validated.
 *
 * @param model          Kling model name, for example {@code kling-v2-1}
 * @param mode           {@code std} or {@code pro}
 * @param duration       {@code "5"} or {@code "10"} (seconds, a string as Kling wants it)
 * @param prompt         may be empty, never null
 * @param negativePrompt may be empty, never null
 * @param cfgScale       0..1, or null to leave Kling's default
 * @param aspectRatio    {@code 16:9}, {@code 9:16}, {@code 1:1}, or null
 */
public record GenerationParameters(
        String model,
        String mode,
        String duration,
        String prompt,
        String negativePrompt,
        Double cfgScale,
        String aspectRatio) {
}
