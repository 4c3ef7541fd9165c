package com.klingvideo.pipeline.local.kling;

import com.klingvideo.pipeline.fakes.MutableClock;
import com.klingvideo.pipeline.kling.KlingClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A simulator of one dialect on a test clock, an image host for the URLs it fetches, and the production
 * client pointed at it: what each dialect's tests start from.
 */
abstract class SimulatorTestSupport {
    static final Instant T0 = Instant.parse("2026-01-07T08:00:00Z");
    static final Duration LATENCY = Duration.ofSeconds(60);

    final MutableClock clock = new MutableClock(T0);
    ImageHost images;
    KlingSimulator simulator;
    KlingClient client;

    @BeforeEach
    void startImageHost() throws IOException {
        images = new ImageHost();
    }

    @AfterEach
    void stopServers() {
        if (simulator != null) {
            simulator.stop();
        }
        images.close();
    }

    /** This dialect's configuration, on the test clock, with a task latency of {@link #LATENCY}. */
    abstract SimulatorConfig.Builder config();

    /** The client most tests use, once the simulator runs. */
    abstract KlingClient defaultClient();

    /** Starts the simulator with the test's changes to the configuration, and makes {@link #client}. */
    void start(UnaryOperator<SimulatorConfig.Builder> customise) {
        simulator = new KlingSimulator(customise.apply(config()).build()).start();
        client = defaultClient();
    }
}
