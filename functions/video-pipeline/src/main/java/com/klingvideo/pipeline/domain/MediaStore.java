package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.MediaNotFoundException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.model.S3Location;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** The media bucket: input images, sidecars, API uploads and finished videos. */
public interface MediaStore {

    /**
     * Size, identity and metadata of an object, or empty when it does not exist. Every read takes the
     * location's version when it has one, the latest otherwise.
     */
    Optional<ObjectInfo> describe(S3Location location);

    /**
     * Streams an object's content; the caller closes the stream (closing early is cheap).
     *
     * @throws MediaNotFoundException when the object does not exist
     */
    InputStream open(S3Location location);

    /**
     * The whole content of a small object, or empty when it does not exist.
     *
     * @throws MediaTooLargeException when it is bigger than {@code maxBytes}
     */
    Optional<byte[]> readIfExists(S3Location location, int maxBytes);

    /** A GET URL valid for {@code ttl}, signed with the function's own credentials. */
    URI presignGet(S3Location location, Duration ttl);

    /** Stores an object; returns its location pinned to the version just written (if the bucket keeps versions). */
    S3Location put(S3Location location, byte[] content, String contentType);

    /**
     * Copies a remote MP4 file (Kling's signed video URL, used exactly as given) into the bucket without
     * holding it whole in memory. The URL is fetched like any URL someone else chose: public https hosts
     * only, redirects checked.
     *
     * @return the stored size in bytes
     * @throws java.io.UncheckedIOException when the download fails or does not start as an MP4 does
     *                                      (nothing is stored then)
     */
    long copyFromUrl(URI source, S3Location target, String contentType);
}
