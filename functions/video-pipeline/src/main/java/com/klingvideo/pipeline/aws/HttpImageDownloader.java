package com.klingvideo.pipeline.aws;

import com.klingvideo.pipeline.domain.ImageDownloader;
import com.klingvideo.pipeline.domain.failure.ImageDownloadException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.outbound.FetchException;
import com.klingvideo.pipeline.outbound.GuardedHttpClient;
import com.klingvideo.pipeline.outbound.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Fetches caller-named images through the outbound guard ({@link GuardedHttpClient}): public https
 * hosts on port 443 only, each redirect checked, one deadline for the whole download, and the body
 * read up to the caller's limit and no further.
 */
public final class HttpImageDownloader implements ImageDownloader {

    private final GuardedHttpClient client;
    private final Duration deadline;

    /** @param deadline for the whole download: lookups, connects, redirects and the body */
    public HttpImageDownloader(GuardedHttpClient client, Duration deadline) {
        this.client = Objects.requireNonNull(client, "client");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    @Override
    public byte[] download(URI url, int maxBytes) {
        String where = url.getScheme() == null || url.getHost() == null ? "a URL without scheme or host"
                : Urls.redact(url);
        try (GuardedHttpClient.Response response = client.get(url, deadline)) {
            if (response.contentLength().isPresent() && response.contentLength().getAsLong() > maxBytes) {
                throw new MediaTooLargeException("image at " + where, maxBytes);
            }
            InputStream body = response.body();
            byte[] content = body.readNBytes(maxBytes);
            if (body.read() >= 0) {
                throw new MediaTooLargeException("image at " + where, maxBytes);
            }
            return content;
        } catch (FetchException e) {
            throw new ImageDownloadException(e.reason() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ImageDownloadException("image download from " + where + " failed: "
                    + e.getClass().getSimpleName(), e);
        }
    }
}
