package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.model.ParameterOverrides;

/**
 * A {@code POST /jobs} request.
 *
 * @param imageTail      optional end frame
 * @param parameters     the request's parameters, on top of the template defaults ({@code imageTailKey} unused)
 * @param idempotencyKey optional; repeating it returns the original job
 * @param priority       optional {@code high} or {@code normal} (the default, as uploads)
 */
public record ApiJobRequest(ImageInput image, ImageInput imageTail, ParameterOverrides parameters,
        String idempotencyKey, String priority) {
}
