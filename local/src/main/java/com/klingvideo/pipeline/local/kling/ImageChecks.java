package com.klingvideo.pipeline.local.kling;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Kling's rules for an input picture: JPEG or PNG (by magic bytes), at most 10 MiB, each side at least
 * 300 px, aspect ratio from 1:2.5 to 2.5:1. Kling accepts such an image at create time and fails the
 * task later, with the reason in {@code task_status_msg} ("Image pixel is invalid"); so does the
 * simulator. Only the header is read here, the picture is decoded when the video is rendered.
 */
final class ImageChecks {

    /** "10 MB" read as binary megabytes, as the pipeline's own validation reads it. */
    static final long MAX_BYTES = 10L * 1024 * 1024;
    static final int MIN_SIDE_PX = 300;

    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private ImageChecks() {
    }

    /**
     * Why Kling would fail a task made from these bytes, or empty when it would not.
     *
     * @param label how the message names the picture: {@code Image} or {@code Image tail}
     */
    static Optional<String> problem(byte[] bytes, String label) {
        if (!startsWith(bytes, JPEG) && !startsWith(bytes, PNG)) {
            return Optional.of(label + " format is invalid");
        }
        if (bytes.length > MAX_BYTES) {
            return Optional.of(label + " size is invalid");
        }
        long[] size = dimensions(bytes);
        if (size == null) {
            return Optional.of(label + " format is invalid");
        }
        long width = size[0];
        long height = size[1];
        if (width < MIN_SIDE_PX || height < MIN_SIDE_PX) {
            return Optional.of(label + " pixel is invalid");
        }
        // 2.5 as 5/2, so the bounds compare exactly
        if (width * 2 > height * 5 || height * 2 > width * 5) {
            return Optional.of(label + " aspect ratio is invalid");
        }
        return Optional.empty();
    }

    /** Width and height from the image header, or null when no reader understands it. */
    private static long[] dimensions(byte[] bytes) {
        // in memory: ImageIO.createImageInputStream would spill to a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new long[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
