package com.klingvideo.pipeline.local.kling;

/** One dialect's HTTP API over the shared {@link SimulatedKling}. */
interface FrontEnd {

    /**
     * @throws InterruptedException when the simulator stops during a stalled answer: send nothing
     */
    Reply handle(Request request) throws InterruptedException;
}
