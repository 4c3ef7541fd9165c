package com.klingvideo.pipeline.domain;

import java.net.URI;

/** Fetches an image an API caller named by https URL, so it can be validated and kept. */
public interface ImageDownloader {

    /**
     * @throws MediaTooLargeException  when the image is larger than {@code maxBytes}
     * @throws ImageDownloadException  when it cannot be fetched (bad scheme, HTTP error, timeout)
     */
    byte[] download(URI url, int maxBytes);
}
