package com.klingvideo.pipeline.domain.failure;

/**
 * The Kling account cannot take work (1100 account problem, 1101 arrears, 1102 resource pack used up).
 * Every following create would be refused the same way until someone acts, so intake pauses and the job
 * waits in the queue (see {@link com.klingvideo.pipeline.domain.SlotGovernor#accountProblem}).
 */
public class KlingAccountException extends KlingException {
    public KlingAccountException(String code, int httpStatus, String message) {
        super(code, httpStatus, message, null);
    }
}
