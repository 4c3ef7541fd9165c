package com.klingvideo.pipeline.model;

/**
 * One layer of per-image settings, as text: the template defaults, object metadata, a JSON sidecar
 * or an API request. A null field means "not set at this layer". Values stay raw until validation so
 * that a bad one can be named exactly.
 *
 * <p>A blank prompt (empty or only whitespace) counts as not set, whichever layer gives it: Kling's
 * gateways refuse one, and "no prompt" means the configured default prompt everywhere in this product.
 *
 * @param imageTailKey key of the end-frame image in the same bucket, or null
 */
public record ParameterOverrides(
        String model,
        String mode,
        String duration,
        String prompt,
        String negativePrompt,
        String cfgScale,
        String aspectRatio,
        String imageTailKey) {

    public ParameterOverrides {
        prompt = prompt == null || prompt.isBlank() ? null : prompt;
    }

    public static final ParameterOverrides NONE =
            new ParameterOverrides(null, null, null, null, null, null, null, null);

    /** This layer with every value set in {@code top} replacing its own. */
    public ParameterOverrides overlay(ParameterOverrides top) {
        return new ParameterOverrides(
                pick(top.model, model),
                pick(top.mode, mode),
                pick(top.duration, duration),
                pick(top.prompt, prompt),
                pick(top.negativePrompt, negativePrompt),
                pick(top.cfgScale, cfgScale),
                pick(top.aspectRatio, aspectRatio),
                pick(top.imageTailKey, imageTailKey));
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    private static String pick(String top, String current) {
        return top != null ? top : current;
    }
}
