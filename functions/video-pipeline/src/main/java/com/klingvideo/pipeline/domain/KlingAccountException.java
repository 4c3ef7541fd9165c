package com.klingvideo.pipeline.domain;

/**
 * The Kling account cannot take work (1100 account problem, 1101 arrears, 1102 resource pack used up).
 * Terminal for the job; every following job will fail the same way until an operator acts.
 */
public class KlingAccountException extends KlingException {
    public KlingAccountException(String code, int httpStatus, String message) {
        super(code, httpStatus, message, null);
    }
}
