package com.klingvideo.pipeline.local.kling;

import com.klingvideo.pipeline.kling.KlingDialect;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KlingSimulator} behaves. Start from {@link #official(String, String)} or
 * {@link #gateway(String)}; every other setting has a default.
 *
 * @param dialect            which API the simulator speaks
 * @param accessKey          official: the JWT's expected {@code iss}; else null
 * @param secretKey          official: the JWT's HS256 key; else null
 * @param apiKey             gateway: the expected Bearer key; else null
 * @param port               loopback port, 0 for any free one
 * @param taskLatency        from create to the task's end: {@code submitted} for the first quarter,
 *                           {@code processing} for the rest
 * @param maxConcurrentTasks the account's parallel task limit (1303 beyond it)
 * @param clock              drives task states, token times and video URL expiry
 * @param chunkedVideo       serve videos without Content-Length (chunked), for clients that must stream
 * @param videoUrlTtl        how long a video URL in a query answer stays valid
 * @param stallDuration      how long a {@link Fault#TIMEOUT} holds its answer back
 * @param imageFetchTimeout  limit for fetching an image named by URL
 * @param serverThreads      HTTP worker threads (stalled requests hold one each)
 * @param renderThreads      video rendering threads
 * @param outage             start in an outage (see {@link Faults#outage(boolean)})
 * @param failEveryNthCreate if positive, every n-th create answers {@code periodicFault}
 * @param periodicFault      the fault of {@code failEveryNthCreate}; null when that is 0
 * @param oneClip            render the first task's video only and serve it for every task: Kling renders
 *                           on its own servers, so a benchmark on one machine should not pay for it
 */
public record SimulatorConfig(
        KlingDialect dialect,
        String accessKey,
        String secretKey,
        String apiKey,
        int port,
        Duration taskLatency,
        int maxConcurrentTasks,
        Clock clock,
        boolean chunkedVideo,
        Duration videoUrlTtl,
        Duration stallDuration,
        Duration imageFetchTimeout,
        int serverThreads,
        int renderThreads,
        boolean outage,
        int failEveryNthCreate,
        Fault periodicFault,
        boolean oneClip) {

    public SimulatorConfig {
        Objects.requireNonNull(dialect, "dialect");
        if (dialect == KlingDialect.OFFICIAL && (blank(accessKey) || blank(secretKey))) {
            throw new IllegalArgumentException("the official dialect needs an access key and a secret key");
        }
        if (dialect == KlingDialect.GATEWAY && blank(apiKey)) {
            throw new IllegalArgumentException("the gateway dialect needs an API key");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        requireNotNegative(taskLatency, "taskLatency");
        requirePositive(videoUrlTtl, "videoUrlTtl");
        requirePositive(stallDuration, "stallDuration");
        requirePositive(imageFetchTimeout, "imageFetchTimeout");
        Objects.requireNonNull(clock, "clock");
        if (maxConcurrentTasks < 1 || serverThreads < 1 || renderThreads < 1) {
            throw new IllegalArgumentException("maxConcurrentTasks, serverThreads and renderThreads must be at least 1");
        }
        if (failEveryNthCreate < 0 || (failEveryNthCreate > 0) != (periodicFault != null)) {
            throw new IllegalArgumentException("failEveryNthCreate needs a fault, and a periodic fault needs n > 0");
        }
    }

    /** Official dialect: JWTs signed with {@code secretKey}, issued by {@code accessKey}. */
    public static Builder official(String accessKey, String secretKey) {
        return new Builder(KlingDialect.OFFICIAL, accessKey, secretKey, null);
    }

    /** Gateway dialect: {@code Authorization: Bearer <apiKey>}. */
    public static Builder gateway(String apiKey) {
        return new Builder(KlingDialect.GATEWAY, null, null, apiKey);
    }

    @Override
    public String toString() {
        return "SimulatorConfig[dialect=" + dialect + ", port=" + port + ", taskLatency=" + taskLatency
                + ", maxConcurrentTasks=" + maxConcurrentTasks + ", chunkedVideo=" + chunkedVideo
                + ", outage=" + outage + ", failEveryNthCreate=" + failEveryNthCreate + ", oneClip=" + oneClip + "]";
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static void requireNotNegative(Duration value, String name) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** Defaults: any free port, 20 s latency, 5 parallel tasks, the system clock, Content-Length set. */
    public static final class Builder {
        private final KlingDialect dialect;
        private final String accessKey;
        private final String secretKey;
        private final String apiKey;
        private int port;
        private Duration taskLatency = Duration.ofSeconds(20);
        private int maxConcurrentTasks = 5;
        private Clock clock = Clock.systemUTC();
        private boolean chunkedVideo;
        private Duration videoUrlTtl = Duration.ofHours(24);
        private Duration stallDuration = Duration.ofSeconds(30);
        private Duration imageFetchTimeout = Duration.ofSeconds(10);
        private int serverThreads = 8;
        private int renderThreads = 2;
        private boolean outage;
        private int failEveryNthCreate;
        private Fault periodicFault;
        private boolean oneClip;

        private Builder(KlingDialect dialect, String accessKey, String secretKey, String apiKey) {
            this.dialect = dialect;
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            this.apiKey = apiKey;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder taskLatency(Duration taskLatency) {
            this.taskLatency = taskLatency;
            return this;
        }

        public Builder maxConcurrentTasks(int maxConcurrentTasks) {
            this.maxConcurrentTasks = maxConcurrentTasks;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder chunkedVideo(boolean chunkedVideo) {
            this.chunkedVideo = chunkedVideo;
            return this;
        }

        public Builder videoUrlTtl(Duration videoUrlTtl) {
            this.videoUrlTtl = videoUrlTtl;
            return this;
        }

        public Builder stallDuration(Duration stallDuration) {
            this.stallDuration = stallDuration;
            return this;
        }

        public Builder imageFetchTimeout(Duration imageFetchTimeout) {
            this.imageFetchTimeout = imageFetchTimeout;
            return this;
        }

        public Builder serverThreads(int serverThreads) {
            this.serverThreads = serverThreads;
            return this;
        }

        public Builder renderThreads(int renderThreads) {
            this.renderThreads = renderThreads;
            return this;
        }

        public Builder outage(boolean outage) {
            this.outage = outage;
            return this;
        }

        /** Every {@code n}-th create (counting from the first) answers {@code fault}; 0 turns it off. */
        public Builder failEveryNthCreate(int n, Fault fault) {
            this.failEveryNthCreate = n;
            this.periodicFault = n == 0 ? null : fault;
            return this;
        }

        /** Render one video and serve it for every task (see {@link SimulatorConfig#oneClip()}). */
        public Builder oneClip(boolean oneClip) {
            this.oneClip = oneClip;
            return this;
        }

        public SimulatorConfig build() {
            return new SimulatorConfig(dialect, accessKey, secretKey, apiKey, port, taskLatency, maxConcurrentTasks,
                    clock, chunkedVideo, videoUrlTtl, stallDuration, imageFetchTimeout, serverThreads, renderThreads,
                    outage, failEveryNthCreate, periodicFault, oneClip);
        }
    }
}
