package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.klingvideo.pipeline.domain.failure.ImageDownloadException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.outbound.FakeNetwork;
import com.klingvideo.pipeline.outbound.GuardedHttpClient;
import com.klingvideo.pipeline.outbound.HostResolver;
import com.klingvideo.pipeline.outbound.LoopbackHttpServer;
import com.klingvideo.pipeline.outbound.OutboundGuard;
import com.klingvideo.pipeline.outbound.TestTls;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The image downloader as the API uses it: through the strict guard, with {@link FakeNetwork} carrying
 * made-up public names to loopback servers.
 */
class HttpImageDownloaderTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final byte[] IMAGE = "\u0089PNG fake image".getBytes(StandardCharsets.ISO_8859_1);

    private final LoopbackHttpServer server = LoopbackHttpServer.https(TestTls.IMAGES_TEST);
    private final FakeNetwork network = new FakeNetwork()
            .name("images.test", "93.184.215.14")
            .name("inside.test", "127.0.0.1")
            .route("93.184.215.14", server.port());
    private final HttpImageDownloader downloader = downloader(DEADLINE);

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void download_should_returnTheImage_when_aPublicHttpsHostAnswers200() {
        // GIVEN
        server.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, IMAGE));

        // WHEN / THEN
        assertThat(downloader.download(URI.create("https://images.test/cat.png?v=1"), 1000)).isEqualTo(IMAGE);
        assertThat(server.requestUris()).extracting(URI::toString).containsExactly("/cat.png?v=1");
    }

    @Test
    void download_should_failAlike_when_loopbackPortIsClosedOrOpenOrSpelledAnotherWay() throws IOException {
        // GIVEN the production guard (system resolver), an open loopback https port and a closed one
        HttpImageDownloader production = new HttpImageDownloader(
                new GuardedHttpClient(new OutboundGuard(HostResolver.SYSTEM, false)), Duration.ofSeconds(2));
        LoopbackHttpServer loopback = LoopbackHttpServer.https(TestTls.LOOPBACK)
                .on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, IMAGE));
        int closed = closedPort();

        // WHEN
        List<String> messages;
        try (loopback) {
            messages = Stream.of(
                            loopback.uri("/cat.png"),
                            URI.create("https://127.0.0.1:" + closed + "/cat.png"),
                            URI.create("https://[::ffff:127.0.0.1]:" + loopback.port() + "/cat.png"),
                            URI.create("https://2130706433:" + loopback.port() + "/cat.png"),
                            URI.create("https://localhost:" + loopback.port() + "/cat.png"),
                            URI.create("https://localhost/cat.png"),
                            URI.create("https://127.0.0.1/cat.png"))
                    .map(url -> catchThrowable(() -> production.download(url, 1000)).getMessage())
                    .toList();
            // THEN nothing was served and the caller cannot tell them apart
            assertThat(loopback.requestUris()).isEmpty();
        }
        assertThat(Set.copyOf(messages)).containsExactly(ImageDownloadException.MESSAGE);
    }

    @Test
    void download_should_failAlike_when_aPublicHostIsClosedAnswersAnErrorOrRedirectsInside() throws IOException {
        // GIVEN a public name on a closed port, one with no DNS answer, an error page, a redirect to loopback
        network.name("closed.test", "93.184.215.20").route("93.184.215.20", closedPort());
        server.on("/gone.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 404, IMAGE));
        server.on("/inside.png", exchange -> redirect(exchange, "https://inside.test/cat.png"));
        server.on("/meta.png", exchange -> redirect(exchange, "https://169.254.169.254/latest/meta-data/"));

        // WHEN
        List<ImageDownloadException> failures = Stream.of(
                        "https://closed.test/cat.png", "https://nowhere.test/cat.png", "https://images.test/gone.png",
                        "https://images.test/inside.png", "https://images.test/meta.png", "https://inside.test/cat.png")
                .map(url -> catchThrowableOfType(() -> downloader.download(URI.create(url), 1000),
                        ImageDownloadException.class))
                .toList();

        // THEN one message for the caller; the log detail says what happened
        assertThat(failures).extracting(Throwable::getMessage).containsOnly(ImageDownloadException.MESSAGE);
        assertThat(failures).extracting(ImageDownloadException::detail)
                .anySatisfy(detail -> assertThat(detail).startsWith("CONNECT"))
                .anySatisfy(detail -> assertThat(detail).startsWith("DNS"))
                .anySatisfy(detail -> assertThat(detail).startsWith("HTTP_STATUS").contains("404"))
                .anySatisfy(detail -> assertThat(detail).startsWith("REFUSED_ADDRESS").contains("169.254.169.254"));
    }

    @Test
    void download_should_keepTheQueryOutOfTheDetail_when_theDownloadFails() {
        // GIVEN a missing image behind a signed URL
        server.on("/gone.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 404, IMAGE));

        // WHEN
        ImageDownloadException failed = catchThrowableOfType(
                () -> downloader.download(URI.create("https://images.test/gone.png?sig=secret"), 1000),
                ImageDownloadException.class);

        // THEN
        assertThat(failed.detail()).contains("images.test/gone.png").doesNotContain("secret");
    }

    @Test
    void download_should_acceptTheImage_when_itsLengthEqualsTheLimit() {
        server.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, new byte[1000]));

        assertThat(downloader.download(URI.create("https://images.test/cat.png"), 1000)).hasSize(1000);
    }

    @Test
    void download_should_throwTooLarge_when_contentLengthExceedsTheLimit() {
        server.on("/big.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, new byte[1001]));

        assertThatThrownBy(() -> downloader.download(URI.create("https://images.test/big.png"), 1000))
                .isInstanceOf(MediaTooLargeException.class)
                .hasMessageContaining("1000");
    }

    @Test
    void download_should_throwTooLarge_when_aChunkedBodyExceedsTheLimit() {
        server.on("/big.png", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, new byte[50_000]));

        assertThatThrownBy(() -> downloader.download(URI.create("https://images.test/big.png"), 1000))
                .isInstanceOf(MediaTooLargeException.class);
    }

    @Test
    void download_should_readTheWholeBody_when_theResponseIsChunked() {
        byte[] image = new byte[3000];
        java.util.Arrays.fill(image, (byte) 7);
        server.on("/cat.png", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, image));

        assertThat(downloader.download(URI.create("https://images.test/cat.png"), 3000)).isEqualTo(image);
    }

    @Test
    void download_should_giveUpAtTheDeadline_when_theServerStallsMidBody() {
        // GIVEN a server that sends headers and a little of the body, then stalls
        server.on("/slow.png", exchange -> {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write(new byte[10]);
            exchange.getResponseBody().flush();
            sleep(Duration.ofSeconds(10));
        });
        HttpImageDownloader impatient = downloader(Duration.ofMillis(300));

        // WHEN
        long started = System.nanoTime();
        ImageDownloadException thrown = catchThrowableOfType(
                () -> impatient.download(URI.create("https://images.test/slow.png"), 1000), ImageDownloadException.class);

        // THEN
        assertThat(thrown.detail()).startsWith("TIMEOUT");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    private HttpImageDownloader downloader(Duration deadline) {
        return new HttpImageDownloader(new GuardedHttpClient(new OutboundGuard(network, false), network,
                TestTls.IMAGES_TEST.getSocketFactory()), deadline);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
