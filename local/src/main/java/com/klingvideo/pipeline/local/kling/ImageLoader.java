package com.klingvideo.pipeline.local.kling;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns an {@code image} value into bytes as Kling does at create time: an http(s) URL is fetched
 * (a presigned URL is used exactly as given), anything else must be raw base64. A {@code data:} prefix
 * or text that is not base64 is refused with 1201 "<field> is invalid", a URL that cannot be fetched
 * with 1201 "<field> url could not be fetched". Only {@link ImageChecks#MAX_BYTES} + 1 bytes are kept:
 * enough to tell that an image is too large.
 */
final class ImageLoader {

    private final HttpClient http;
    private final Duration timeout;
    private final LongAdder fetches;

    ImageLoader(Duration timeout, LongAdder fetches) {
        this.timeout = timeout;
        this.fetches = fetches;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    byte[] load(String value, String field) {
        if (value.startsWith("https://") || value.startsWith("http://")) {
            return fetch(value, field);
        }
        if (value.startsWith("data:")) {
            throw ApiFailure.invalidParameter(field + " is invalid");
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(value.replaceAll("\\s", ""));
            if (bytes.length == 0) {
                throw ApiFailure.invalidParameter(field + " is invalid");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw ApiFailure.invalidParameter(field + " is invalid");
        }
    }

    private byte[] fetch(String url, String field) {
        fetches.increment();
        ApiFailure unfetchable = ApiFailure.invalidParameter(field + " url could not be fetched");
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw unfetchable;
        }
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw unfetchable;
                }
                return body.readNBytes(Math.toIntExact(ImageChecks.MAX_BYTES + 1));
            }
        } catch (IOException e) {
            throw unfetchable;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unfetchable;
        }
    }
}
