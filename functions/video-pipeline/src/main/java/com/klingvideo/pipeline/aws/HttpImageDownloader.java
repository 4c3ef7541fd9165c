package com.klingvideo.pipeline.aws;

import com.klingvideo.pipeline.domain.ImageDownloadException;
import com.klingvideo.pipeline.domain.ImageDownloader;
import com.klingvideo.pipeline.domain.MediaTooLargeException;
import com.klingvideo.pipeline.outbound.Urls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches caller-named images over https. Redirects are followed here, not by the HTTP client, so
 * that every hop is checked: at most {@value #MAX_REDIRECTS}, and only to https. The body is
 * collected up to the caller's limit and the transfer is cancelled as soon as it goes past it.
 * Messages name URLs by scheme, host and path only.
 */
public final class HttpImageDownloader implements ImageDownloader {

    static final int MAX_REDIRECTS = 3;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final HttpClient client;
    private final Duration readTimeout;
    private final boolean allowInsecure;

    /**
     * An https-only downloader.
     *
     * @param readTimeout longest wait for each response, headers and body together
     */
    public HttpImageDownloader(Duration connectTimeout, Duration readTimeout) {
        this(connectTimeout, readTimeout, false);
    }

    /** @param allowInsecure also accept plain http; only for a local stack, never in AWS */
    public HttpImageDownloader(Duration connectTimeout, Duration readTimeout, boolean allowInsecure) {
        this(HttpClient.newBuilder()
                        .connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build(),
                readTimeout, allowInsecure);
    }

    /** With a given client (tests bring one that trusts their certificate); it must not follow redirects. */
    HttpImageDownloader(HttpClient client, Duration readTimeout, boolean allowInsecure) {
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the HTTP client must not follow redirects: each hop is checked here");
        }
        this.client = client;
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        this.allowInsecure = allowInsecure;
    }

    @Override
    public byte[] download(URI url, int maxBytes) {
        URI current = checkScheme(url, "image URL");
        for (int redirects = 0; ; redirects++) {
            HttpResponse<byte[]> response = fetch(current, maxBytes);
            int status = response.statusCode();
            if (status >= 200 && status <= 299) {
                return response.body();
            }
            if (!REDIRECTS.contains(status)) {
                throw new ImageDownloadException("image download from " + Urls.redact(current)
                        + " failed with HTTP " + status);
            }
            if (redirects == MAX_REDIRECTS) {
                throw new ImageDownloadException("image download from " + Urls.redact(url)
                        + " was redirected more than " + MAX_REDIRECTS + " times");
            }
            current = checkScheme(redirectTarget(current, response), "redirect target");
        }
    }

    private URI checkScheme(URI uri, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = scheme.equals("https") || (allowInsecure && scheme.equals("http"));
        if (!allowed || uri.getHost() == null) {
            throw new ImageDownloadException(what + " must be " + (allowInsecure ? "an http(s)" : "an https")
                    + " URL with a host, got " + (uri.getHost() == null ? scheme + ":..." : Urls.redact(uri)));
        }
        return uri;
    }

    private static URI redirectTarget(URI current, HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() ->
                new ImageDownloadException("image download from " + Urls.redact(current)
                        + " was redirected without a Location"));
        try {
            return current.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new ImageDownloadException("image download from " + Urls.redact(current)
                    + " was redirected to an invalid URL");
        }
    }

    private HttpResponse<byte[]> fetch(URI uri, int maxBytes) {
        String where = Urls.redact(uri);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri).timeout(readTimeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw new ImageDownloadException(where + " is not a URL that can be fetched");
        }
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(request, info ->
                info.statusCode() >= 200 && info.statusCode() <= 299
                        ? new LimitedBody(maxBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1),
                                "image at " + where)
                        : HttpResponse.BodySubscribers.replacing(null));
        try {
            // The request timeout covers only the headers; this bounds the body too.
            return pending.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw timedOut(where);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new ImageDownloadException("image download from " + where + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof MediaTooLargeException tooLarge) {
                throw tooLarge;
            }
            if (cause instanceof HttpConnectTimeoutException) {
                throw new ImageDownloadException("could not connect to " + where + " in time", cause);
            }
            if (cause instanceof HttpTimeoutException) {
                throw timedOut(where);
            }
            if (cause instanceof IOException) {
                throw new ImageDownloadException("image download from " + where + " failed: "
                        + cause.getClass().getSimpleName(), cause);
            }
            throw new ImageDownloadException("image download from " + where + " failed", cause);
        }
    }

    private ImageDownloadException timedOut(String where) {
        return new ImageDownloadException("image download from " + where + " timed out after "
                + readTimeout.toMillis() + " ms");
    }

    /** Collects at most {@code maxBytes}; cancels the transfer at the first byte beyond. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final long declaredLength;
        private final String what;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream content;
        private Flow.Subscription subscription;

        LimitedBody(int maxBytes, long declaredLength, String what) {
            this.maxBytes = maxBytes;
            this.declaredLength = declaredLength;
            this.what = what;
            this.content = new ByteArrayOutputStream(
                    (int) Math.min(maxBytes, declaredLength >= 0 ? declaredLength : 64 * 1024));
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (declaredLength > maxBytes) {
                tooLarge();
            } else {
                subscription.request(1);
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
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(content.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        private void tooLarge() {
            subscription.cancel();
            result.completeExceptionally(new MediaTooLargeException(what, maxBytes));
        }
    }
}
