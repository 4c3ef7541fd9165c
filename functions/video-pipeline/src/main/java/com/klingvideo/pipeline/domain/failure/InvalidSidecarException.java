package com.klingvideo.pipeline.domain.failure;

/**
 * A JSON sidecar that cannot be used as given: not JSON, not an object, a field of the wrong type or a
 * field this pipeline does not know. The message names every such field; nothing in it is guessed.
 */
public class InvalidSidecarException extends RuntimeException {
    public InvalidSidecarException(String message) {
        super(message);
    }

    public InvalidSidecarException(String message, Throwable cause) {
        super(message, cause);
    }
}
