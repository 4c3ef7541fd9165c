package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.InvalidImageException;
import com.klingvideo.pipeline.domain.failure.MediaNotFoundException;
import com.klingvideo.pipeline.model.S3Location;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Applies Kling's image rules to an object in the bucket or to bytes from the API, before any money is
 * spent. An object is not read at all when its size is already too large; otherwise it is streamed once,
 * to its end marker, so that a truncated or corrupt upload is refused (see {@link ImageInspector}): one
 * GET of at most 10 MiB, nothing held in memory beyond a 64 KiB chunk.
 */
public final class ImageValidation {
    private final MediaStore media;
    private final ImageInspector inspector = new ImageInspector();

    public ImageValidation(MediaStore media) {
        this.media = media;
    }

    /** Problems with the object at {@code location}, including its absence. */
    public List<FieldError> checkObject(String field, S3Location location) {
        Optional<ObjectInfo> info = media.describe(location);
        if (info.isEmpty()) {
            return List.of(new FieldError(field, field + " " + location + " does not exist"));
        }
        return checkObject(field, info.get());
    }

    /** Problems with an object already described. */
    public List<FieldError> checkObject(String field, ObjectInfo info) {
        Optional<FieldError> tooLarge = ImageRules.tooLarge(field, info.sizeBytes());
        if (tooLarge.isPresent()) {
            return List.of(tooLarge.get());
        }
        try (InputStream content = media.open(info.location())) {
            return ImageRules.check(field, inspector.inspect(content), info.sizeBytes());
        } catch (InvalidImageException e) {
            return List.of(ImageRules.unreadable(field, e));
        } catch (MediaNotFoundException e) {
            return List.of(new FieldError(field, field + " " + info.location() + " does not exist"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + info.location(), e);
        }
    }

    /** Problems with image bytes sent in a request. */
    public List<FieldError> checkBytes(String field, byte[] content) {
        Optional<FieldError> tooLarge = ImageRules.tooLarge(field, content.length);
        if (tooLarge.isPresent()) {
            return List.of(tooLarge.get());
        }
        try {
            return ImageRules.check(field, inspector.inspect(new ByteArrayInputStream(content)), content.length);
        } catch (InvalidImageException e) {
            return List.of(ImageRules.unreadable(field, e));
        }
    }
}
