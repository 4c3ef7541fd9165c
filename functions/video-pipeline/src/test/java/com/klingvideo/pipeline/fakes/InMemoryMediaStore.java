package com.klingvideo.pipeline.fakes;

import com.klingvideo.pipeline.domain.MediaStore;
import com.klingvideo.pipeline.domain.ObjectInfo;
import com.klingvideo.pipeline.domain.failure.MediaNotFoundException;
import com.klingvideo.pipeline.domain.failure.MediaTooLargeException;
import com.klingvideo.pipeline.model.S3Location;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A bucket in memory; "downloads" come from a map of URL to bytes. */
public final class InMemoryMediaStore implements MediaStore {
    /** A stored object. */
    public record StoredObject(byte[] content, String contentType, Map<String, String> metadata, String versionId) {
    }

    /** Every version of each key, oldest first; a location without a version reads the newest. */
    private final Map<S3Location, List<StoredObject>> objects = new ConcurrentHashMap<>();
    private final Map<String, byte[]> remote = new ConcurrentHashMap<>();
    private final List<URI> copiedFrom = new ArrayList<>();
    private final AtomicLong versions = new AtomicLong();
    private volatile int remoteFailuresLeft;
    private volatile boolean remoteTooLarge;

    /** Stores an object with user metadata; returns its version id (the location's, when it names one). */
    public String putObject(S3Location location, byte[] content, Map<String, String> metadata) {
        String version = location.versionId() != null ? location.versionId() : "v" + versions.incrementAndGet();
        store(location, new StoredObject(content, "application/octet-stream", Map.copyOf(metadata), version));
        return version;
    }

    public void putRemote(String url, byte[] content) {
        remote.put(url, content);
    }

    /** The next {@code count} copies from a URL fail as a network error would. */
    public void failRemote(int count) {
        remoteFailuresLeft = count;
    }

    /** Every copy from a URL finds a file bigger than the copy limit. */
    public void failRemoteTooLarge() {
        remoteTooLarge = true;
    }

    public Optional<StoredObject> object(S3Location location) {
        return Optional.ofNullable(find(location));
    }

    private void store(S3Location location, StoredObject object) {
        objects.computeIfAbsent(location.latest(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(object);
    }

    private StoredObject find(S3Location location) {
        List<StoredObject> all = objects.get(location.latest());
        if (all == null || all.isEmpty()) {
            return null;
        }
        if (location.versionId() == null) {
            return all.get(all.size() - 1);
        }
        return all.stream().filter(o -> location.versionId().equals(o.versionId())).findFirst().orElse(null);
    }

    public List<URI> copiedFrom() {
        return List.copyOf(copiedFrom);
    }

    /** Deletes every version of the key, or just the named version. */
    public void delete(S3Location location) {
        if (location.versionId() == null) {
            objects.remove(location);
            return;
        }
        List<StoredObject> all = objects.get(location.latest());
        if (all != null) {
            all.removeIf(o -> location.versionId().equals(o.versionId()));
        }
    }

    @Override
    public Optional<ObjectInfo> describe(S3Location location) {
        StoredObject o = find(location);
        if (o == null) {
            return Optional.empty();
        }
        return Optional.of(new ObjectInfo(location.withVersion(o.versionId()), o.content().length, eTag(o.content()), o.versionId(),
                o.contentType(), o.metadata(), Instant.EPOCH));
    }

    @Override
    public InputStream open(S3Location location) {
        StoredObject o = find(location);
        if (o == null) {
            throw new MediaNotFoundException(location);
        }
        return new ByteArrayInputStream(o.content());
    }

    @Override
    public Optional<byte[]> readIfExists(S3Location location, int maxBytes) {
        StoredObject o = find(location);
        if (o == null) {
            return Optional.empty();
        }
        if (o.content().length > maxBytes) {
            throw new MediaTooLargeException(location.toString(), maxBytes);
        }
        return Optional.of(o.content());
    }

    @Override
    public URI presignGet(S3Location location, Duration ttl) {
        String path = java.net.URLEncoder.encode(location.key(), StandardCharsets.UTF_8).replace("+", "%20")
                .replace("%2F", "/");
        String version = location.versionId() == null ? "" : "versionId=" + location.versionId() + "&";
        return URI.create("https://" + location.bucket() + ".s3.example/" + path + "?" + version + "X-Amz-Expires="
                + ttl.toSeconds() + "&X-Amz-Signature=test");
    }

    @Override
    public S3Location put(S3Location location, byte[] content, String contentType) {
        String version = "v" + versions.incrementAndGet();
        store(location.latest(), new StoredObject(content, contentType, Map.of(), version));
        return location.withVersion(version);
    }

    @Override
    public synchronized long copyFromUrl(URI source, S3Location target, String contentType) {
        copiedFrom.add(source);
        if (remoteTooLarge) {
            throw new MediaTooLargeException("file at " + source.getHost(), 1);
        }
        if (remoteFailuresLeft > 0) {
            remoteFailuresLeft--;
            throw new UncheckedIOException(new java.io.IOException("connection reset by " + source.getHost()));
        }
        byte[] content = remote.get(source.toString());
        if (content == null) {
            throw new UncheckedIOException(new java.io.IOException("HTTP 404 from " + source.getHost()));
        }
        put(target, content, contentType);
        return content.length;
    }

    private static String eTag(byte[] content) {
        return "\"" + HexFormat.of().formatHex(Integer.toHexString(java.util.Arrays.hashCode(content))
                .getBytes(StandardCharsets.US_ASCII)) + "\"";
    }
}
