package com.klingvideo.pipeline.aws;

import com.klingvideo.pipeline.domain.MediaStore;
import com.klingvideo.pipeline.domain.ObjectInfo;
import com.klingvideo.pipeline.domain.failure.MediaNotFoundException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.model.S3Location;
import com.klingvideo.pipeline.outbound.FetchException;
import com.klingvideo.pipeline.outbound.GuardedHttpClient;
import com.klingvideo.pipeline.outbound.Urls;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The media bucket in S3. Objects are written without encryption headers: the bucket's default
 * encryption applies. ETags are returned without their surrounding quotes, as S3 event notifications
 * carry them.
 *
 * <p>{@link #copyFromUrl} fetches through the outbound guard (Kling's URL is a stranger's word too: https to
 * a public host only, redirects checked, one deadline) and stores only a body that starts as an MP4
 * file does, with an {@code ftyp} box at offset 4. It streams: with a Content-Length the download is
 * piped into one PutObject;
 * without one it goes up in parts of {@value #DEFAULT_PART_SIZE} bytes (a small body still takes a
 * single PutObject), so memory holds at most one part. Copies are capped at
 * {@value #DEFAULT_MAX_COPY_BYTES} bytes. Messages name a source URL by scheme, host and path only:
 * the query of a signed URL is a credential.
 */
public final class S3MediaStore implements MediaStore {

    static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    static final long DEFAULT_MAX_COPY_BYTES = 2L * 1024 * 1024 * 1024;
    private static final byte[] FTYP = {'f', 't', 'y', 'p'};

    private final S3Client s3;
    private final S3Presigner presigner;
    private final GuardedHttpClient downloads;
    private final Duration downloadDeadline;
    private final int partSize;
    private final long maxCopyBytes;

    /**
     * @param downloads        fetches the URLs given to {@link #copyFromUrl}
     * @param downloadDeadline for one whole copy: connects, redirects and the body
     */
    public S3MediaStore(S3Client s3, S3Presigner presigner, GuardedHttpClient downloads, Duration downloadDeadline) {
        this(s3, presigner, downloads, downloadDeadline, DEFAULT_PART_SIZE, DEFAULT_MAX_COPY_BYTES);
    }

    /** Smaller parts and limit, so tests can exercise multipart copies with a few kilobytes. */
    S3MediaStore(S3Client s3, S3Presigner presigner, GuardedHttpClient downloads, Duration downloadDeadline,
            int partSize, long maxCopyBytes) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.presigner = Objects.requireNonNull(presigner, "presigner");
        this.downloads = Objects.requireNonNull(downloads, "downloads");
        this.downloadDeadline = Objects.requireNonNull(downloadDeadline, "downloadDeadline");
        this.partSize = partSize;
        this.maxCopyBytes = maxCopyBytes;
    }

    @Override
    public Optional<ObjectInfo> describe(S3Location location) {
        HeadObjectResponse head;
        try {
            head = s3.headObject(r -> r.bucket(location.bucket()).key(location.key()).versionId(location.versionId()));
        } catch (S3Exception e) {
            // A HEAD answer has no body, so a missing key or version may arrive as a bare 404.
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
        Map<String, String> metadata = new HashMap<>();
        head.metadata().forEach((name, value) -> metadata.put(name.toLowerCase(Locale.ROOT), value));
        return Optional.of(new ObjectInfo(
                location.withVersion(head.versionId()),
                head.contentLength() == null ? 0 : head.contentLength(),
                unquote(head.eTag()),
                head.versionId(),
                head.contentType(),
                metadata,
                head.lastModified()));
    }

    @Override
    public InputStream open(S3Location location) {
        try {
            return new AbortOnEarlyClose(s3.getObject(r -> r.bucket(location.bucket()).key(location.key())
                    .versionId(location.versionId())));
        } catch (S3Exception e) {
            if (isMissing(e)) {
                throw new MediaNotFoundException(location);
            }
            throw e;
        }
    }

    @Override
    public Optional<byte[]> readIfExists(S3Location location, int maxBytes) {
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(r -> r.bucket(location.bucket()).key(location.key()).versionId(location.versionId()));
        } catch (S3Exception e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
        try (in) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new MediaTooLargeException(location.toString(), maxBytes);
            }
            byte[] content = in.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
            if (content.length > maxBytes) {
                in.abort();
                throw new MediaTooLargeException(location.toString(), maxBytes);
            }
            return Optional.of(content);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + location + " failed", e);
        }
    }

    @Override
    public URI presignGet(S3Location location, Duration ttl) {
        var presigned = presigner.presignGetObject(p -> p.signatureDuration(ttl)
                .getObjectRequest(r -> r.bucket(location.bucket()).key(location.key()).versionId(location.versionId())));
        try {
            return presigned.url().toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("presigned URL for " + location + " is not a valid URI", e);
        }
    }

    @Override
    public S3Location put(S3Location location, byte[] content, String contentType) {
        PutObjectResponse put = s3.putObject(r -> r.bucket(location.bucket()).key(location.key()).contentType(contentType),
                RequestBody.fromBytes(content));
        return location.withVersion(put.versionId());
    }

    /** A download that failed after it began; the guarded client's reason (deadline, framing) is kept. */
    private static UncheckedIOException brokeOff(String where, long bytes, IOException e) {
        String why = e instanceof FetchException fetch ? " (" + fetch.reason() + ")" : "";
        return new UncheckedIOException("download from " + where + " broke off after " + bytes + " bytes" + why, e);
    }

    /** No such key, or no such version of it (a pinned version that was deleted). */
    private static boolean isMissing(S3Exception e) {
        if (e instanceof NoSuchKeyException || e.statusCode() == 404) {
            return true;
        }
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return "NoSuchVersion".equals(code) || "NoSuchKey".equals(code);
    }

    /**
     * @throws MediaTooLargeException when the file is bigger than the copy limit
     * @throws UncheckedIOException   when the download fails or what it brings is not an MP4
     */
    @Override
    public long copyFromUrl(URI source, S3Location target, String contentType) {
        String where = Urls.redact(source);
        // The signed query reaches the server byte for byte: the client sends the URI's raw path and query.
        try (GuardedHttpClient.Response response = downloads.get(source, downloadDeadline)) {
            SourceStream body = new SourceStream(response.body());
            byte[] head = body.readNBytes(8);
            if (head.length < 8 || !Arrays.equals(head, 4, 8, FTYP, 0, 4)) {
                String message = "download from " + where + " is not an MP4 (no ftyp box at offset 4)";
                throw new UncheckedIOException(message, new IOException(message));
            }
            InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), body);
            try {
                return response.contentLength().isPresent()
                        ? putKnownLength(whole, response.contentLength().getAsLong(), target, contentType, where)
                        : putUnknownLength(whole, target, contentType, where);
            } catch (SdkClientException e) {
                // The SDK wraps an IOException of the stream it reads; report a broken download as one.
                if (body.failure != null) {
                    throw brokeOff(where, body.count, body.failure);
                }
                throw e;
            } catch (IOException e) {
                throw brokeOff(where, body.count, e);
            }
        } catch (FetchException e) {
            throw new UncheckedIOException("video download failed (" + e.reason() + "): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("download from " + where + " broke off", e);
        }
    }

    private long putKnownLength(InputStream body, long length, S3Location target, String contentType, String where) {
        if (length > maxCopyBytes) {
            throw new MediaTooLargeException("file at " + where, maxCopyBytes);
        }
        s3.putObject(r -> r.bucket(target.bucket()).key(target.key()).contentType(contentType),
                RequestBody.fromInputStream(body, length));
        return length;
    }

    private long putUnknownLength(InputStream body, S3Location target, String contentType, String where)
            throws IOException {
        byte[] buffer = new byte[partSize];
        int read = body.readNBytes(buffer, 0, partSize);
        if (read < partSize) {
            if (read > maxCopyBytes) {
                throw new MediaTooLargeException("file at " + where, maxCopyBytes);
            }
            s3.putObject(r -> r.bucket(target.bucket()).key(target.key()).contentType(contentType),
                    RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, read), read));
            return read;
        }
        String uploadId = s3.createMultipartUpload(r -> r.bucket(target.bucket()).key(target.key())
                .contentType(contentType)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            while (read > 0) {
                total += read;
                if (total > maxCopyBytes) {
                    throw new MediaTooLargeException("file at " + where, maxCopyBytes);
                }
                int partNumber = parts.size() + 1;
                int partLength = read;
                UploadPartResponse uploaded = s3.uploadPart(r -> r.bucket(target.bucket()).key(target.key())
                                .uploadId(uploadId)
                                .partNumber(partNumber)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, partLength), partLength));
                parts.add(CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(uploaded.eTag())
                        .checksumCRC32(uploaded.checksumCRC32())
                        .build());
                read = body.readNBytes(buffer, 0, partSize);
            }
            s3.completeMultipartUpload(r -> r.bucket(target.bucket()).key(target.key())
                    .uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            return total;
        } catch (IOException | RuntimeException e) {
            abortQuietly(target, uploadId, e);
            throw e;
        }
    }

    /** Frees the parts already stored; a failed abort is attached to the original failure. */
    private void abortQuietly(S3Location target, String uploadId, Exception cause) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId));
        } catch (RuntimeException abortFailure) {
            cause.addSuppressed(abortFailure);
        }
    }

    private static String unquote(String eTag) {
        return eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1)
                : eTag;
    }

    /** Counts what was read from the download and remembers how it broke, if it did. */
    private static final class SourceStream extends FilterInputStream {
        private long count;
        private IOException failure;

        SourceStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                if (b >= 0) {
                    count++;
                }
                return b;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count += n;
                }
                return n;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    /**
     * Closing an S3 stream before its end would otherwise drain the rest to reuse the connection;
     * aborting drops the connection instead, which is cheaper for a large object read only in part.
     */
    private static final class AbortOnEarlyClose extends FilterInputStream {
        private final ResponseInputStream<?> response;
        private boolean ended;

        AbortOnEarlyClose(ResponseInputStream<?> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }
}
