package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.ImageDownloadException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import java.net.URI;

/**
 * Fetches an image an API caller named by https URL, so it can be validated and kept. The URL is the
 * caller's word: only public hosts may be reached (no loopback, private, link-local or metadata
 * addresses, also not by a redirect or a DNS answer that points there).
 */
public interface ImageDownloader {

    /**
     * @throws MediaTooLargeException  when the image is larger than {@code maxBytes}
     * @throws ImageDownloadException  when it cannot be fetched (refused address or URL, DNS, HTTP error,
     *                                 timeout): one message for all, the cause in its detail
     */
    byte[] download(URI url, int maxBytes);
}
