package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.klingvideo.pipeline.domain.ImageDownloadException;
import com.klingvideo.pipeline.domain.MediaTooLargeException;
import com.klingvideo.pipeline.outbound.LoopbackHttpServer;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpImageDownloaderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] IMAGE = "\u0089PNG fake image".getBytes(StandardCharsets.ISO_8859_1);

    /** A self-signed certificate for 127.0.0.1, trusted only by the clients of this test. */
    private static final SSLContext TLS = loopbackTls();

    private final LoopbackHttpServer httpsServer = LoopbackHttpServer.https(TLS);
    private final LoopbackHttpServer httpServer = LoopbackHttpServer.http();
    private final HttpImageDownloader secure = new HttpImageDownloader(client(), TIMEOUT, false);
    private final HttpImageDownloader insecure = new HttpImageDownloader(client(), TIMEOUT, true);

    @AfterEach
    void stopServers() {
        httpsServer.close();
        httpServer.close();
    }

    @Test
    void download_should_returnTheImage_when_httpsServerAnswers200() {
        // GIVEN an https image URL
        httpsServer.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, IMAGE));

        // WHEN / THEN
        assertThat(secure.download(httpsServer.uri("/cat.png?v=1"), 1000)).isEqualTo(IMAGE);
        assertThat(httpsServer.requestUris()).extracting(URI::toString).containsExactly("/cat.png?v=1");
    }

    @Test
    void download_should_followRedirect_when_targetIsHttps() {
        // GIVEN a relative redirect on the same https server
        httpsServer.on("/old.png", exchange -> redirect(exchange, "/cat.png"));
        httpsServer.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, IMAGE));

        // WHEN / THEN
        assertThat(secure.download(httpsServer.uri("/old.png"), 1000)).isEqualTo(IMAGE);
        assertThat(httpsServer.requestUris()).extracting(URI::getPath).containsExactly("/old.png", "/cat.png");
    }

    @Test
    void download_should_refuseRedirect_when_targetIsPlainHttp() {
        // GIVEN an https URL that redirects to http
        httpServer.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, IMAGE));
        httpsServer.on("/old.png", exchange -> redirect(exchange, httpServer.uri("/cat.png").toString()));

        // WHEN / THEN the downgrade is refused and the http server never hears from us
        assertThatThrownBy(() -> secure.download(httpsServer.uri("/old.png"), 1000))
                .isInstanceOf(ImageDownloadException.class)
                .hasMessageContaining("redirect target must be an https URL");
        assertThat(httpServer.requestUris()).isEmpty();
    }

    @Test
    void download_should_giveUp_when_redirectedMoreThanThreeTimes() {
        // GIVEN a redirect loop
        httpsServer.on("/loop.png", exchange -> redirect(exchange, "/loop.png"));

        // WHEN / THEN three redirects are followed, the fourth is refused
        assertThatThrownBy(() -> secure.download(httpsServer.uri("/loop.png"), 1000))
                .isInstanceOf(ImageDownloadException.class)
                .hasMessageContaining("redirected more than 3 times");
        assertThat(httpsServer.requestUris()).hasSize(4);
    }

    @Test
    void download_should_rejectPlainHttp_when_insecureIsNotAllowed() {
        // GIVEN an http image URL
        httpServer.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, IMAGE));

        // WHEN / THEN it is refused without a request
        assertThatThrownBy(() -> secure.download(httpServer.uri("/cat.png"), 1000))
                .isInstanceOf(ImageDownloadException.class)
                .hasMessageContaining("must be an https URL");
        assertThat(httpServer.requestUris()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://127.0.0.1/cat.png", "https:/no-host.png"})
    void download_should_rejectOtherSchemes_when_insecureIsAllowed(String url) {
        // WHEN / THEN even the local-use downloader speaks only http(s) to a host
        assertThatThrownBy(() -> insecure.download(URI.create(url), 1000))
                .isInstanceOf(ImageDownloadException.class)
                .hasMessageContaining("must be an http(s) URL");
    }

    @Test
    void download_should_readTheWholeBody_when_responseIsChunked() {
        // GIVEN an http server (local use) answering without Content-Length
        byte[] image = new byte[3000];
        Arrays.fill(image, (byte) 7);
        httpServer.on("/cat.png", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, image));

        // WHEN / THEN
        assertThat(insecure.download(httpServer.uri("/cat.png"), 3000)).isEqualTo(image);
    }

    @Test
    void download_should_acceptTheImage_when_contentLengthEqualsTheLimit() {
        // GIVEN an image of exactly the limit
        httpServer.on("/cat.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, new byte[1000]));

        // WHEN / THEN
        assertThat(insecure.download(httpServer.uri("/cat.png"), 1000)).hasSize(1000);
    }

    @Test
    void download_should_throwTooLarge_when_contentLengthExceedsLimit() {
        // GIVEN an image one byte over the limit
        httpServer.on("/big.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, new byte[1001]));

        // WHEN / THEN
        assertThatThrownBy(() -> insecure.download(httpServer.uri("/big.png"), 1000))
                .isInstanceOf(MediaTooLargeException.class)
                .hasMessageContaining("1000");
    }

    @Test
    void download_should_throwTooLarge_when_chunkedBodyExceedsLimit() {
        // GIVEN a chunked body far over the limit
        httpServer.on("/big.png", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, new byte[50_000]));

        // WHEN / THEN
        assertThatThrownBy(() -> insecure.download(httpServer.uri("/big.png"), 1000))
                .isInstanceOf(MediaTooLargeException.class);
    }

    @Test
    void download_should_failWithTheStatus_when_serverAnswersNot2xx() {
        // GIVEN a missing image behind a signed URL
        httpServer.on("/gone.png", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 404,
                "not here".getBytes(StandardCharsets.UTF_8)));

        // WHEN / THEN the status is named, the query is not
        assertThatThrownBy(() -> insecure.download(httpServer.uri("/gone.png?sig=secret"), 1000))
                .isInstanceOf(ImageDownloadException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageNotContaining("secret");
    }

    @Test
    void download_should_timeOut_when_serverStallsMidBody() {
        // GIVEN a server that sends headers and a little of the body, then stalls
        httpServer.on("/slow.png", exchange -> {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write(new byte[10]);
            exchange.getResponseBody().flush();
            sleep(Duration.ofSeconds(10));
        });
        HttpImageDownloader impatient = new HttpImageDownloader(client(), Duration.ofMillis(300), true);

        // WHEN
        long started = System.nanoTime();
        Throwable thrown = catchThrowable(
                () -> impatient.download(httpServer.uri("/slow.png"), 1000));

        // THEN it gives up after about the read timeout
        assertThat(thrown).isInstanceOf(ImageDownloadException.class).hasMessageContaining("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void constructor_should_rejectAClientThatFollowsRedirects() {
        // GIVEN a client that would follow redirects without our checks
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        // WHEN / THEN
        assertThatThrownBy(() -> new HttpImageDownloader(following, TIMEOUT, false))
                .isInstanceOf(IllegalArgumentException.class);
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

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .sslContext(TLS)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private static SSLContext loopbackTls() {
        char[] password = "test-only".toCharArray();
        try (InputStream in = HttpImageDownloaderTest.class.getResourceAsStream("/tls/loopback.p12")) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("test TLS setup failed", e);
        }
    }
}
