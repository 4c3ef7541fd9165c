package com.klingvideo.pipeline.domain.failure;

/**
 * Kling refused for good: authentication (1000-1002), no access (1103), bad parameters (1200-1203),
 * policy (1300, 1301), IP whitelist (1304), unknown task. Never retried.
 */
public class KlingRejectedException extends KlingException {
    public KlingRejectedException(String code, int httpStatus, String message) {
        super(code, httpStatus, message, null);
    }
}
