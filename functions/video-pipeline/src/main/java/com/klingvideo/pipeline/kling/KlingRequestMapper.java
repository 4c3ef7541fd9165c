package com.klingvideo.pipeline.kling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.klingvideo.pipeline.domain.VideoRequest;
import com.klingvideo.pipeline.model.GenerationParameters;
import java.util.Objects;

/**
 * Writes the create body both dialects accept. {@code model_name} and the legacy {@code model} both carry
 * the model (gateways and older documents read {@code model}); {@code duration} is always a JSON string
 * (a gateway fails with a 5xx on a number); optional fields are left out rather than sent empty.
 */
final class KlingRequestMapper {

    private KlingRequestMapper() {
    }

    static String createBody(VideoRequest request) {
        Objects.requireNonNull(request, "request");
        GenerationParameters parameters = Objects.requireNonNull(request.parameters(), "request.parameters");
        ObjectNode body = KlingJson.MAPPER.createObjectNode();
        body.put("model_name", parameters.model());
        body.put("model", parameters.model());
        body.put("image", Objects.requireNonNull(request.image(), "request.image"));
        if (request.imageTail() != null) {
            body.put("image_tail", request.imageTail());
        }
        body.put("prompt", parameters.prompt() == null ? "" : parameters.prompt());
        if (parameters.negativePrompt() != null && !parameters.negativePrompt().isEmpty()) {
            body.put("negative_prompt", parameters.negativePrompt());
        }
        if (parameters.cfgScale() != null) {
            body.put("cfg_scale", parameters.cfgScale());
        }
        body.put("mode", parameters.mode());
        body.put("duration", parameters.duration());
        if (parameters.aspectRatio() != null) {
            body.put("aspect_ratio", parameters.aspectRatio());
        }
        body.put("external_task_id", Objects.requireNonNull(request.externalTaskId(), "request.externalTaskId"));
        return body.toString();
    }
}
