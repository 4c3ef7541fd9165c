package com.klingvideo.pipeline.kling;

import com.klingvideo.pipeline.domain.KlingTask;
import com.klingvideo.pipeline.domain.VideoGenerator;
import com.klingvideo.pipeline.domain.VideoRequest;
import com.klingvideo.pipeline.domain.failure.KlingRejectedException;
import com.klingvideo.pipeline.domain.failure.KlingRetryableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.UnaryOperator;

/**
 * {@link VideoGenerator} over Kling's image-to-video HTTP API, in either {@link KlingDialect}.
 *
 * <p>Official dialect: a JWT signed with the access and secret keys, minted on the first call and cached
 * (see {@link KlingTokens}). Gateway dialect: the static API key as Bearer token. When Kling answers
 * 1003/1004 (token not yet valid / expired) the token is dropped, re-signed and the call sent once more.
 * When it answers 1000-1002 (or any other 401 that is not about the token's time window) the
 * credentials source is refreshed, so rotated keys are used from the next call on. Errors are
 * classified by {@link KlingErrorClassifier}; answers are read by {@link KlingResponseParser}.
 *
 * <p>Nothing touches the network, the keys or the clock at construction, so a SnapStart snapshot holds
 * no token. Exception messages carry Kling's code and message, never a key or token.
 */
public final class KlingClient implements VideoGenerator {
    /** Kling's answers are a few kilobytes; more than this is not read, let alone parsed. */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private static final String OFFICIAL_PATH = "/v1/videos/image2video";
    private static final String GATEWAY_PATH = "/kling/v1/videos/image2video";

    private final KlingClientSettings settings;
    private final KlingCredentialsSource credentialsSource;
    private final KlingTokens tokens;
    private final HttpClient httpClient;
    private final String endpoint;

    /** Builds its own HTTP client (HTTP/1.1, the settings' connect timeout); create one per container. */
    public KlingClient(KlingClientSettings settings, KlingCredentialsSource credentialsSource, Clock clock) {
        this(settings, credentialsSource, clock, HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Objects.requireNonNull(settings, "settings").connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    /** With a caller-built HTTP client; the settings' connect timeout is then the client's business. */
    KlingClient(KlingClientSettings settings, KlingCredentialsSource credentialsSource, Clock clock, HttpClient httpClient) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.credentialsSource = Objects.requireNonNull(credentialsSource, "credentialsSource");
        this.tokens = new KlingTokens(clock);
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.endpoint = base + (settings.dialect() == KlingDialect.OFFICIAL ? OFFICIAL_PATH : GATEWAY_PATH);
    }

    @Override
    public KlingTask create(VideoRequest request) {
        String body = KlingRequestMapper.createBody(request);
        Answer answer = send(KlingOperation.CREATE, URI.create(endpoint),
                builder -> builder.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
        return answer.task(KlingOperation.CREATE);
    }

    @Override
    public KlingTask query(String taskId) {
        return send(KlingOperation.QUERY, taskUri(taskId), HttpRequest.Builder::GET).task(KlingOperation.QUERY);
    }

    /**
     * Kling documents no search by external_task_id, but lets an external_task_id stand in for the task
     * id on the query-one route; so this is {@code GET /v1/videos/image2video/{externalTaskId}}, and a
     * "no such task" answer (HTTP 404, code 1203, or a not-found message) means empty. Official dialect
     * only.
     *
     * @throws UnsupportedOperationException on a gateway, which only knows its own task ids
     */
    @Override
    public Optional<KlingTask> findByExternalId(String externalTaskId) {
        if (!supportsExternalLookup()) {
            throw new UnsupportedOperationException("a Kling gateway cannot look tasks up by external_task_id");
        }
        Answer answer = send(KlingOperation.LOOKUP, taskUri(externalTaskId), HttpRequest.Builder::GET);
        if (answer.error != null && answer.error.taskNotFound()) {
            return Optional.empty();
        }
        return Optional.of(answer.task(KlingOperation.LOOKUP));
    }

    @Override
    public boolean supportsExternalLookup() {
        return settings.dialect() == KlingDialect.OFFICIAL;
    }

    @Override
    public String toString() {
        return "KlingClient[dialect=" + settings.dialect() + ", baseUrl=" + settings.baseUrl() + "]";
    }

    private URI taskUri(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a Kling task id must not be blank");
        }
        return URI.create(endpoint + "/" + encodePathSegment(id));
    }

    /**
     * Sends the request; on 1003/1004 re-signs and sends it once more. Returns the answer with its error,
     * if any, left for the caller to classify (a lookup reads "not found" as empty).
     */
    private Answer send(KlingOperation operation, URI uri, UnaryOperator<HttpRequest.Builder> method) {
        for (int attempt = 1; ; attempt++) {
            KlingCredentials credentials = credentials();
            String bearer = bearer(credentials);
            HttpRequest request = method.apply(HttpRequest.newBuilder(uri)
                            .timeout(settings.readTimeout())
                            .header("Accept", "application/json")
                            .header("Authorization", "Bearer " + bearer))
                    .build();
            HttpResponse<String> response = exchange(request, operation);
            KlingError error = KlingErrorClassifier.detect(response.statusCode(), response.body())
                    .map(found -> found.redact(secretsOf(credentials, bearer)))
                    .orElse(null);
            if (error != null && error.tokenRejected()) {
                tokens.invalidate();
                if (attempt == 1) {
                    continue;
                }
            }
            if (error != null && error.credentialsRejected()) {
                tokens.invalidate();
                credentialsSource.refresh();
            }
            return new Answer(response.statusCode(), response.body(), error);
        }
    }

    private HttpResponse<String> exchange(HttpRequest request, KlingOperation operation) {
        try {
            HttpResponse<String> response = httpClient.send(request,
                    info -> new LimitedText(MAX_ANSWER_BYTES, info.headers().firstValueAsLong("Content-Length").orElse(-1)));
            if (response.body() == null) {
                throw KlingErrorClassifier.unreadable(response.statusCode(), operation,
                        "its body is larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            return response;
        } catch (IOException e) {
            throw KlingErrorClassifier.transportFailure(e, operation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KlingRetryableException("interrupted", 0, "Kling " + operation.label() + " was interrupted",
                    operation.mayCreateTask(), e);
        }
    }

    private KlingCredentials credentials() {
        KlingCredentials credentials = credentialsSource.get();
        boolean complete = credentials != null && (settings.dialect() == KlingDialect.OFFICIAL
                ? notBlank(credentials.accessKey()) && notBlank(credentials.secretKey())
                : notBlank(credentials.apiKey()));
        if (!complete) {
            credentialsSource.refresh();
            throw new KlingRejectedException("missing_credentials", 0, settings.dialect() == KlingDialect.OFFICIAL
                    ? "Kling access key and secret key are not configured"
                    : "Kling gateway API key is not configured");
        }
        return credentials;
    }

    private String bearer(KlingCredentials credentials) {
        return settings.dialect() == KlingDialect.OFFICIAL ? tokens.token(credentials) : credentials.apiKey();
    }

    private static List<String> secretsOf(KlingCredentials credentials, String bearer) {
        List<String> secrets = new ArrayList<>(4);
        secrets.add(bearer);
        secrets.add(credentials.secretKey());
        secrets.add(credentials.accessKey());
        secrets.add(credentials.apiKey());
        return secrets;
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, so an id stays one path segment. */
    static String encodePathSegment(String segment) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return encoded.toString();
    }

    /** One HTTP answer and the error it carries, or null when it is a success. */
    private record Answer(int httpStatus, String body, KlingError error) {

        KlingTask task(KlingOperation operation) {
            if (error != null) {
                throw KlingErrorClassifier.toException(error, operation);
            }
            return KlingResponseParser.parseTask(body)
                    .orElseThrow(() -> KlingErrorClassifier.unreadable(httpStatus, operation, "no task id could be read from it"));
        }

        @Override
        public String toString() {
            return "Answer[httpStatus=" + httpStatus + ", error=" + error + "]";
        }
    }

    /**
     * The body as UTF-8 text, or null when it is longer than the limit: the transfer is cancelled at the
     * first byte beyond it (or before any, when the declared length says so).
     */
    private static final class LimitedText implements HttpResponse.BodySubscriber<String> {
        private final int maxBytes;
        private final long declaredLength;
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final ByteArrayOutputStream content = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedText(int maxBytes, long declaredLength) {
            this.maxBytes = maxBytes;
            this.declaredLength = declaredLength;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (declaredLength > maxBytes) {
                tooLarge();
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (content.size() + (long) buffer.remaining() > maxBytes) {
                    tooLarge();
                    return;
                }
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                content.writeBytes(bytes);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(content.toString(StandardCharsets.UTF_8));
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        private void tooLarge() {
            subscription.cancel();
            result.complete(null);
        }
    }
}
