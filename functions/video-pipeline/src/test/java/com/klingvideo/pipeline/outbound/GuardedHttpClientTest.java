package com.klingvideo.pipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.klingvideo.pipeline.outbound.FetchException.Reason;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The strict client (public addresses, https, port 443) end to end: {@link FakeNetwork} gives made-up
 * names public-looking addresses and carries connections to them to loopback servers.
 */
class GuardedHttpClientTest {

    private static final String PUBLIC = "93.184.215.14";
    private static final String OTHER_PUBLIC = "93.184.215.15";
    private static final Duration BUDGET = Duration.ofSeconds(5);
    private static final byte[] BODY = "the image".getBytes(StandardCharsets.UTF_8);

    private final LoopbackHttpServer server = LoopbackHttpServer.https(TestTls.IMAGES_TEST);
    private final FakeNetwork network = new FakeNetwork()
            .name("images.test", PUBLIC)
            .name("impostor.test", OTHER_PUBLIC)
            .name("inside.test", "127.0.0.1")
            .route(PUBLIC, server.port())
            .route(OTHER_PUBLIC, server.port());
    private final GuardedHttpClient client = new GuardedHttpClient(new OutboundGuard(network, false), network,
            TestTls.IMAGES_TEST.getSocketFactory());

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void get_should_connectToTheCheckedAddress_and_sendThePathAndHostAsGiven() throws IOException {
        // GIVEN a signed image URL on a public name
        server.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, BODY));

        // WHEN
        try (GuardedHttpClient.Response response = client.get(
                URI.create("https://images.test/cat.png?X-Amz-Credential=a%2Fb&sig=c%2B%3D"), BUDGET)) {

            // THEN the socket went to the address the guard checked, TLS checked the name, and the query is verbatim
            assertThat(response.body().readAllBytes()).isEqualTo(BODY);
            assertThat(response.contentLength()).hasValue(BODY.length);
        }
        assertThat(network.dialled()).containsExactly(new InetSocketAddress(FakeNetwork.address(PUBLIC), 443));
        assertThat(server.requestUris()).extracting(URI::toString)
                .containsExactly("/cat.png?X-Amz-Credential=a%2Fb&sig=c%2B%3D");
        assertThat(server.hostHeaders()).containsExactly("images.test");
    }

    @Test
    void get_should_failTheHandshake_when_theCertificateDoesNotNameTheHost() {
        // GIVEN a name whose address serves a certificate for another name
        server.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, BODY));

        // WHEN
        FetchException failed = catchThrowableOfType(
                () -> client.get(URI.create("https://impostor.test/cat.png"), BUDGET), FetchException.class);

        // THEN host name verification is intact: no request was sent
        assertThat(failed.reason()).isEqualTo(Reason.CONNECT);
        assertThat(server.requestUris()).isEmpty();
    }

    @Test
    void get_should_refuseARedirect_when_itPointsAtAPrivateAddress() {
        // GIVEN a public image URL that redirects to the metadata service
        server.on("/cat.png", exchange -> redirect(exchange, "https://169.254.169.254/latest/meta-data/"));

        // WHEN
        FetchException refused = catchThrowableOfType(
                () -> client.get(URI.create("https://images.test/cat.png"), BUDGET), FetchException.class);

        // THEN the hop is refused before a connection is attempted
        assertThat(refused.reason()).isEqualTo(Reason.REFUSED_ADDRESS);
        assertThat(network.dialled()).hasSize(1);
    }

    @Test
    void get_should_refuseARedirect_when_itsNameResolvesToLoopback() {
        // GIVEN a redirect to a name whose DNS answer is loopback
        server.on("/cat.png", exchange -> redirect(exchange, "https://inside.test/cat.png"));

        // WHEN / THEN
        FetchException refused = catchThrowableOfType(
                () -> client.get(URI.create("https://images.test/cat.png"), BUDGET), FetchException.class);
        assertThat(refused.reason()).isEqualTo(Reason.REFUSED_ADDRESS);
        assertThat(network.dialled()).hasSize(1);
    }

    @Test
    void get_should_refuseARedirect_when_itIsPlainHttpOrAnotherPort() {
        server.on("/http.png", exchange -> redirect(exchange, "http://images.test/cat.png"));
        server.on("/port.png", exchange -> redirect(exchange, "https://images.test:8443/cat.png"));

        assertThat(catchThrowableOfType(() -> client.get(URI.create("https://images.test/http.png"), BUDGET),
                FetchException.class).reason()).isEqualTo(Reason.BAD_URL);
        assertThat(catchThrowableOfType(() -> client.get(URI.create("https://images.test/port.png"), BUDGET),
                FetchException.class).reason()).isEqualTo(Reason.BAD_URL);
    }

    @Test
    void get_should_followRedirects_when_eachHopPasses_and_giveUpAfterThree() throws IOException {
        // GIVEN a relative redirect, and a loop
        server.on("/old.png", exchange -> redirect(exchange, "/cat.png"));
        server.on("/cat.png", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, BODY));
        server.on("/loop.png", exchange -> redirect(exchange, "/loop.png"));

        // WHEN / THEN the redirect is followed (and the chunked body decoded) ...
        try (GuardedHttpClient.Response response = client.get(URI.create("https://images.test/old.png"), BUDGET)) {
            assertThat(response.body().readAllBytes()).isEqualTo(BODY);
        }
        // ... and the loop ends after three redirects
        FetchException looped = catchThrowableOfType(
                () -> client.get(URI.create("https://images.test/loop.png"), BUDGET), FetchException.class);
        assertThat(looped.reason()).isEqualTo(Reason.REDIRECT);
        assertThat(server.requestUris()).extracting(URI::getPath).containsExactly(
                "/old.png", "/cat.png", "/loop.png", "/loop.png", "/loop.png", "/loop.png");
    }

    @Test
    void get_should_stopAtTheDeadline_when_theBodyTricklesWithoutEverPausingLong() {
        // GIVEN a server that sends a byte every 100 ms, far too slowly to finish: no single read times out
        server.on("/slow.png", exchange -> {
            exchange.sendResponseHeaders(200, 10_000);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < 10_000; i++) {
                out.write(7);
                out.flush();
                sleep(100);
            }
        });

        // WHEN
        long started = System.nanoTime();
        FetchException failed = catchThrowableOfType(() -> {
            try (GuardedHttpClient.Response response = client.get(URI.create("https://images.test/slow.png"),
                    Duration.ofMillis(800))) {
                response.body().readAllBytes();
            }
        }, FetchException.class);

        // THEN one deadline covers the whole download
        assertThat(failed.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void get_should_sayHttpStatus_when_theAnswerIsNot2xx() {
        server.on("/gone.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 404, BODY));

        assertThat(catchThrowableOfType(() -> client.get(URI.create("https://images.test/gone.png?sig=secret"), BUDGET),
                FetchException.class))
                .hasMessageContaining("HTTP 404")
                .hasMessageNotContaining("secret");
    }

    @Test
    void get_should_sayConnect_when_nothingListens() throws IOException {
        // GIVEN a public name whose address leads to a closed loopback port
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        network.name("closed.test", "93.184.215.16").route("93.184.215.16", closed);

        // WHEN / THEN
        assertThat(catchThrowableOfType(() -> client.get(URI.create("https://closed.test/a.png"), BUDGET),
                FetchException.class).reason()).isEqualTo(Reason.CONNECT);
    }

    @Test
    void body_should_failRatherThanEndEarly_when_theConnectionClosesBeforeContentLength() throws IOException {
        // GIVEN a server that promises 100 bytes and sends 10
        server.on("/short.png", exchange -> {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write(new byte[10]);
            exchange.getResponseBody().flush();
            exchange.close();
        });

        // WHEN / THEN
        try (GuardedHttpClient.Response response = client.get(URI.create("https://images.test/short.png"), BUDGET)) {
            InputStream body = response.body();
            assertThat(catchThrowableOfType(body::readAllBytes, IOException.class)).isNotNull();
        }
    }

    @Test
    void get_should_speakPlainHttpToLoopback_when_localAccessIsOn() throws IOException {
        // GIVEN the local stack's client and an http server on loopback
        try (LoopbackHttpServer http = LoopbackHttpServer.http()) {
            byte[] big = new byte[100_000];
            Arrays.fill(big, (byte) 3);
            http.on("/videos/1.mp4", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, big));
            GuardedHttpClient local = new GuardedHttpClient(new OutboundGuard(HostResolver.SYSTEM, true));

            // WHEN / THEN
            try (GuardedHttpClient.Response response = local.get(http.uri("/videos/1.mp4?sig=a%2Fb"), BUDGET)) {
                assertThat(response.body().readAllBytes()).isEqualTo(big);
            }
            assertThat(http.requestUris()).extracting(URI::toString).containsExactly("/videos/1.mp4?sig=a%2Fb");
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
