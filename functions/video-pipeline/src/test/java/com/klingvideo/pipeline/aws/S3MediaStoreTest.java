package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.domain.ObjectInfo;
import com.klingvideo.pipeline.domain.failure.MediaNotFoundException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.model.S3Location;
import com.klingvideo.pipeline.outbound.GuardedHttpClient;
import com.klingvideo.pipeline.outbound.HostResolver;
import com.klingvideo.pipeline.outbound.LoopbackHttpServer;
import com.klingvideo.pipeline.outbound.OutboundGuard;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3MediaStoreTest {

    private static final S3Location IMAGE = new S3Location("media-bucket", "inputs/cat photo.jpg");
    private static final S3Location VIDEO = new S3Location("media-bucket", "outputs/job-1.mp4");
    private static final String XML = "application/xml";
    private static final String NO_SUCH_KEY =
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";

    private final FakeSdkHttpClient http = new FakeSdkHttpClient();
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    /** The local stack's downloads: loopback and http allowed, everything else guarded as in AWS. */
    private final GuardedHttpClient downloads = new GuardedHttpClient(new OutboundGuard(HostResolver.SYSTEM, true));
    private final S3MediaStore strictStore = new S3MediaStore(TestSdkClients.s3(http), TestSdkClients.presigner(),
            new GuardedHttpClient(new OutboundGuard(HostResolver.SYSTEM, false)), DEADLINE);
    private final S3MediaStore store =
            new S3MediaStore(TestSdkClients.s3(http), TestSdkClients.presigner(), downloads, DEADLINE);
    /** 1 KiB parts and a 3 KiB limit, so multipart copies need only a few kilobytes. */
    private final S3MediaStore smallPartStore =
            new S3MediaStore(TestSdkClients.s3(http), TestSdkClients.presigner(), downloads, DEADLINE, 1024, 3072);
    private final LoopbackHttpServer source = LoopbackHttpServer.http();

    @AfterEach
    void stopSource() {
        source.close();
    }

    @Test
    void describe_should_returnObjectInfoWithLowerCaseMetadata_when_objectExists() {
        // GIVEN S3 answers the HEAD with user metadata in mixed case
        http.respond(200, new byte[0],
                "Content-Length", "1234",
                "Content-Type", "image/jpeg",
                "ETag", "\"9b2cf535f27731c974343645a3985328\"",
                "x-amz-version-id", "v-7",
                "Last-Modified", "Tue, 04 Mar 2025 05:06:07 GMT",
                "x-amz-meta-Prompt", "a cat jumps",
                "X-Amz-Meta-Kling-Model", "kling-v2-1");

        // WHEN the object is described
        Optional<ObjectInfo> info = store.describe(IMAGE);

        // THEN size, identity and metadata are reported, keys lower-cased, ETag unquoted
        assertThat(info).contains(new ObjectInfo(IMAGE.withVersion("v-7"), 1234, "9b2cf535f27731c974343645a3985328", "v-7",
                "image/jpeg", Map.of("prompt", "a cat jumps", "kling-model", "kling-v2-1"),
                Instant.parse("2025-03-04T05:06:07Z")));
        FakeSdkHttpClient.Recorded request = http.onlyRequest();
        assertThat(request.method()).isEqualTo(SdkHttpMethod.HEAD);
        assertThat(request.path()).isEqualTo("/media-bucket/inputs/cat%20photo.jpg");
    }

    @Test
    void describe_should_returnEmpty_when_objectIsMissing() {
        // GIVEN S3 answers the HEAD with a bare 404
        http.respond(404, "");

        // WHEN / THEN
        assertThat(store.describe(IMAGE)).isEmpty();
    }

    @Test
    void describe_should_propagate_when_accessIsDenied() {
        // GIVEN the function may not read the object
        http.respond(403, "");

        // WHEN / THEN a permission problem is not mistaken for a missing object
        assertThatThrownBy(() -> store.describe(IMAGE))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
    }

    @Test
    void open_should_streamTheContent_when_objectExists() throws Exception {
        // GIVEN an object
        http.respond(200, "image bytes", "Content-Type", "image/jpeg");

        // WHEN it is opened and read
        byte[] content;
        try (InputStream in = store.open(IMAGE)) {
            content = in.readAllBytes();
        }

        // THEN its content arrives from a GET of the key
        assertThat(new String(content, StandardCharsets.UTF_8)).isEqualTo("image bytes");
        assertThat(http.onlyRequest().method()).isEqualTo(SdkHttpMethod.GET);
        assertThat(http.onlyRequest().path()).isEqualTo("/media-bucket/inputs/cat%20photo.jpg");
    }

    @Test
    void open_should_throwMediaNotFound_when_noSuchKey() {
        // GIVEN the key does not exist
        http.respond(404, NO_SUCH_KEY, "Content-Type", XML);

        // WHEN / THEN
        assertThatThrownBy(() -> store.open(IMAGE))
                .isInstanceOf(MediaNotFoundException.class)
                .hasMessageContaining("s3://media-bucket/inputs/cat photo.jpg");
    }

    @Test
    void readIfExists_should_returnContent_when_withinLimit() {
        // GIVEN a small sidecar
        http.respond(200, "{\"prompt\":\"x\"}", "Content-Type", "application/json");

        // WHEN / THEN
        assertThat(store.readIfExists(IMAGE, 100)).hasValueSatisfying(
                bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"prompt\":\"x\"}"));
    }

    @Test
    void readIfExists_should_returnEmpty_when_noSuchKey() {
        // GIVEN no sidecar
        http.respond(404, NO_SUCH_KEY, "Content-Type", XML);

        // WHEN / THEN
        assertThat(store.readIfExists(IMAGE, 100)).isEmpty();
    }

    @Test
    void readIfExists_should_throwTooLarge_when_contentLengthExceedsLimit() {
        // GIVEN an object whose Content-Length is over the limit
        http.respond(200, new byte[101]);

        // WHEN / THEN it is refused from the header
        assertThatThrownBy(() -> store.readIfExists(IMAGE, 100)).isInstanceOf(MediaTooLargeException.class);
    }

    @Test
    void readIfExists_should_throwTooLarge_when_bodyWithoutLengthExceedsLimit() {
        // GIVEN an answer without Content-Length that is longer than the limit
        http.respond(200, new byte[5000], "Transfer-Encoding", "chunked");

        // WHEN / THEN reading stops past the limit
        assertThatThrownBy(() -> store.readIfExists(IMAGE, 100)).isInstanceOf(MediaTooLargeException.class);
    }

    @Test
    void presignGet_should_signAGetValidForTheTtl_when_called() {
        // WHEN a URL is presigned for 15 minutes
        URI url = store.presignGet(VIDEO, Duration.ofMinutes(15));

        // THEN it points at the object, carries a SigV4 signature and that expiry, and nothing was sent
        assertThat(url.getScheme()).isEqualTo("http");
        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(url.getRawPath()).isEqualTo("/media-bucket/outputs/job-1.mp4");
        assertThat(url.getRawQuery()).contains("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Expires=900",
                "X-Amz-Signature=");
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void everyRead_should_nameThePinnedVersion_when_theLocationHasOne() throws Exception {
        S3Location pinned = IMAGE.withVersion("v-3");
        // HEAD
        http.respond(200, new byte[0], "Content-Length", "4", "x-amz-version-id", "v-3");
        assertThat(store.describe(pinned)).get().extracting(ObjectInfo::location).isEqualTo(pinned);
        // GET, streamed and whole
        http.respond(200, "abcd");
        try (InputStream in = store.open(pinned)) {
            in.readAllBytes();
        }
        http.respond(200, "abcd");
        store.readIfExists(pinned, 100);
        assertThat(http.requests()).hasSize(3).allSatisfy(r -> assertThat(r.queryParam("versionId")).isEqualTo("v-3"));
        // a presigned URL
        assertThat(store.presignGet(pinned, Duration.ofMinutes(15)).getRawQuery()).contains("versionId=v-3");
    }

    @Test
    void describe_should_pinTheVersionItFound_when_theLocationHasNone() {
        http.respond(200, new byte[0], "Content-Length", "4", "x-amz-version-id", "v-9");
        assertThat(store.describe(IMAGE)).get().extracting(ObjectInfo::location).isEqualTo(IMAGE.withVersion("v-9"));
        assertThat(http.onlyRequest().query()).doesNotContainKey("versionId");
    }

    @Test
    void open_should_sayNotFound_when_thePinnedVersionWasDeleted() {
        http.respond(404, "<Error><Code>NoSuchVersion</Code><Message>The specified version does not exist.</Message></Error>");
        assertThatThrownBy(() -> store.open(IMAGE.withVersion("gone"))).isInstanceOf(MediaNotFoundException.class);
    }

    @Test
    void put_should_storeContentWithType_when_called() {
        // GIVEN S3 accepts the object
        http.respond(200, "", "ETag", "\"e\"");

        // WHEN content is stored
        store.put(IMAGE, "png bytes".getBytes(StandardCharsets.UTF_8), "image/png");

        // THEN it is one PUT with the content type and no encryption override
        FakeSdkHttpClient.Recorded request = http.onlyRequest();
        assertThat(request.method()).isEqualTo(SdkHttpMethod.PUT);
        assertThat(request.path()).isEqualTo("/media-bucket/inputs/cat%20photo.jpg");
        assertThat(request.header("Content-Type")).isEqualTo("image/png");
        assertThat(request.bodyText()).isEqualTo("png bytes");
        assertThat(request.headers()).doesNotContainKey("x-amz-server-side-encryption");
    }

    @Test
    void copyFromUrl_should_fetchTheSignedUrlVerbatim_and_putWithLength_when_contentLengthIsKnown() {
        // GIVEN a signed download URL with an encoded character in its query
        byte[] video = mp4(5000);
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, video));
        http.respond(200, "", "ETag", "\"e\"");
        URI signed = source.uri("/video.mp4?X-Sig=a%2Fb&exp=1");

        // WHEN it is copied into the bucket
        long size = store.copyFromUrl(signed, VIDEO, "video/mp4");

        // THEN the query arrived unchanged and one PUT carried the whole file
        assertThat(source.requestUris()).extracting(URI::getRawQuery).containsExactly("X-Sig=a%2Fb&exp=1");
        assertThat(size).isEqualTo(5000);
        FakeSdkHttpClient.Recorded put = http.onlyRequest();
        assertThat(put.method()).isEqualTo(SdkHttpMethod.PUT);
        assertThat(put.path()).isEqualTo("/media-bucket/outputs/job-1.mp4");
        assertThat(put.header("Content-Type")).isEqualTo("video/mp4");
        assertThat(put.body()).isEqualTo(video);
    }

    @Test
    void copyFromUrl_should_uploadInParts_when_chunkedResponseIsLargerThanAPart() {
        // GIVEN a chunked download (no Content-Length) of 2.5 parts
        byte[] video = mp4(2560);
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, video));
        http.respond(200, "<InitiateMultipartUploadResult><Bucket>media-bucket</Bucket><Key>outputs/job-1.mp4</Key>"
                        + "<UploadId>up-1</UploadId></InitiateMultipartUploadResult>", "Content-Type", XML)
                .respond(200, "", "ETag", "\"p1\"")
                .respond(200, "", "ETag", "\"p2\"")
                .respond(200, "", "ETag", "\"p3\"")
                .respond(200, "<CompleteMultipartUploadResult><Bucket>media-bucket</Bucket><Key>outputs/job-1.mp4</Key>"
                        + "<ETag>\"x-3\"</ETag></CompleteMultipartUploadResult>", "Content-Type", XML);

        // WHEN it is copied
        long size = smallPartStore.copyFromUrl(source.uri("/video.mp4"), VIDEO, "video/mp4");

        // THEN it went up as a multipart upload whose parts concatenate to the file
        assertThat(size).isEqualTo(2560);
        List<FakeSdkHttpClient.Recorded> requests = http.requests();
        assertThat(requests).hasSize(5);
        assertThat(requests.get(0).method()).isEqualTo(SdkHttpMethod.POST);
        assertThat(requests.get(0).query()).containsKey("uploads");
        assertThat(requests.get(0).header("Content-Type")).isEqualTo("video/mp4");
        ByteArrayOutputStream uploaded = new ByteArrayOutputStream();
        for (int part = 1; part <= 3; part++) {
            FakeSdkHttpClient.Recorded request = requests.get(part);
            assertThat(request.method()).isEqualTo(SdkHttpMethod.PUT);
            assertThat(request.queryParam("partNumber")).isEqualTo(Integer.toString(part));
            assertThat(request.queryParam("uploadId")).isEqualTo("up-1");
            uploaded.writeBytes(request.body());
        }
        assertThat(uploaded.toByteArray()).isEqualTo(video);
        FakeSdkHttpClient.Recorded complete = requests.get(4);
        assertThat(complete.method()).isEqualTo(SdkHttpMethod.POST);
        assertThat(complete.queryParam("uploadId")).isEqualTo("up-1");
        assertThat(complete.bodyText()).contains(
                "<Part><ETag>&quot;p1&quot;</ETag><PartNumber>1</PartNumber></Part>",
                "<Part><ETag>&quot;p3&quot;</ETag><PartNumber>3</PartNumber></Part>");
    }

    @Test
    void copyFromUrl_should_putOnce_when_chunkedResponseFitsInOnePart() {
        // GIVEN a small chunked download
        byte[] video = mp4(900);
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, video));
        http.respond(200, "", "ETag", "\"e\"");

        // WHEN it is copied
        long size = smallPartStore.copyFromUrl(source.uri("/video.mp4"), VIDEO, "video/mp4");

        // THEN a single PUT is enough
        assertThat(size).isEqualTo(900);
        assertThat(http.onlyRequest().method()).isEqualTo(SdkHttpMethod.PUT);
        assertThat(http.onlyRequest().query()).doesNotContainKey("uploadId");
        assertThat(http.onlyRequest().body()).isEqualTo(video);
    }

    @Test
    void copyFromUrl_should_abortTheUpload_when_chunkedResponseExceedsTheLimit() {
        // GIVEN a chunked download bigger than the 3 KiB limit
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendChunked(exchange, 200, mp4(5000)));
        http.respond(200, "<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>",
                        "Content-Type", XML)
                .respond(200, "", "ETag", "\"p1\"")
                .respond(200, "", "ETag", "\"p2\"")
                .respond(200, "", "ETag", "\"p3\"")
                .respond(204, "");

        // WHEN / THEN the copy fails clearly and the stored parts are discarded
        assertThatThrownBy(() -> smallPartStore.copyFromUrl(source.uri("/video.mp4"), VIDEO, "video/mp4"))
                .isInstanceOf(MediaTooLargeException.class)
                .hasMessageContaining("3072");
        FakeSdkHttpClient.Recorded last = http.requests().get(http.requests().size() - 1);
        assertThat(last.method()).isEqualTo(SdkHttpMethod.DELETE);
        assertThat(last.queryParam("uploadId")).isEqualTo("up-1");
        assertThat(http.requests()).noneMatch(r -> r.method() == SdkHttpMethod.POST && r.query().containsKey("uploadId"));
    }

    @Test
    void copyFromUrl_should_refuseBeforeUploading_when_contentLengthExceedsTheLimit() {
        // GIVEN a download that announces more than the limit
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, mp4(4000)));

        // WHEN / THEN
        assertThatThrownBy(() -> smallPartStore.copyFromUrl(source.uri("/video.mp4"), VIDEO, "video/mp4"))
                .isInstanceOf(MediaTooLargeException.class);
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void copyFromUrl_should_failNamingTheStatusButNotTheSignature_when_downloadIsNot2xx() {
        // GIVEN the signed URL has expired
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 403,
                "expired".getBytes(StandardCharsets.UTF_8)));
        URI signed = source.uri("/video.mp4?X-Sig=secret-signature&exp=1");

        // WHEN / THEN the error says what failed and where, without the query
        assertThatThrownBy(() -> store.copyFromUrl(signed, VIDEO, "video/mp4"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining(source.uri("/video.mp4").toString())
                .satisfies(e -> assertThat(e.toString()).doesNotContain("secret-signature"));
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void copyFromUrl_should_failAsADownloadError_when_theDownloadBreaksOff() {
        // GIVEN a download that announces 5000 bytes and stops after 1000
        source.on("/video.mp4", exchange -> {
            exchange.sendResponseHeaders(200, 5000);
            exchange.getResponseBody().write(mp4(1000));
            exchange.getResponseBody().flush();
            exchange.getHttpContext().getServer().stop(0);
        });
        http.respond(200, "", "ETag", "\"e\"");

        // WHEN / THEN the failure is reported as the download's, not as an S3 client error
        assertThatThrownBy(() -> store.copyFromUrl(source.uri("/video.mp4?sig=s"), VIDEO, "video/mp4"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("broke off")
                .hasMessageNotContaining("sig=s");
    }

    @Test
    void copyFromUrl_should_storeNothing_when_theBodyIsNotAnMp4() {
        // GIVEN a video URL that answers 200 with an error page
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200,
                "<html><body>Access denied</body></html>".getBytes(StandardCharsets.UTF_8)));
        http.respond(200, "", "ETag", "\"e\"");

        // WHEN / THEN the copy fails as a download failure (worth retrying) and nothing reaches the bucket
        assertThatThrownBy(() -> store.copyFromUrl(source.uri("/video.mp4?sig=s"), VIDEO, "video/mp4"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("not an MP4");
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void copyFromUrl_should_refusePlainHttp_when_loopbackUrlsAreNotAllowed() {
        // GIVEN a production store and an http video URL
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, mp4(2000)));
        http.respond(200, "", "ETag", "\"e\"");

        // WHEN / THEN it is refused without a request
        assertThatThrownBy(() -> strictStore.copyFromUrl(source.uri("/video.mp4"), VIDEO, "video/mp4"))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(source.requestUris()).isEmpty();
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void copyFromUrl_should_checkTheRedirectTarget_when_theVideoUrlRedirects() {
        // GIVEN a video URL that redirects to loopback spelled as one decimal number
        source.on("/video.mp4", exchange -> LoopbackHttpServer.sendFixedLength(exchange, 200, mp4(2000)));
        source.on("/moved.mp4", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://2130706433:" + source.port() + "/video.mp4");
            exchange.sendResponseHeaders(302, -1);
        });
        http.respond(200, "", "ETag", "\"e\"");

        // WHEN / THEN the hop is refused and nothing is stored
        assertThatThrownBy(() -> store.copyFromUrl(source.uri("/moved.mp4"), VIDEO, "video/mp4"))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(source.requestUris()).extracting(URI::getPath).containsExactly("/moved.mp4");
        assertThat(http.requests()).isEmpty();
    }

    /** Bytes that start like an MP4 file: a box of type {@code ftyp} at offset 4. */
    private static byte[] mp4(int size) {
        byte[] bytes = randomBytes(size);
        System.arraycopy(new byte[] {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'}, 0, bytes, 0, 12);
        return bytes;
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
