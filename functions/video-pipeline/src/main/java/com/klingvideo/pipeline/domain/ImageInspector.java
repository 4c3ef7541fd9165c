package com.klingvideo.pipeline.domain;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Tells the format and pixel size of an image from the start of its content, without decoding it:
 * the format by magic bytes, the size from a PNG's IHDR chunk or a JPEG's frame header (SOFn).
 *
 * <p>It reads no further than the size is written and never more than {@code maxBytes}, so a large
 * object in S3 costs only its first bytes. JPEG segments before the frame header (EXIF, ICC profiles,
 * thumbnails) are skipped by their length, not buffered. Because it stops at the header, damage
 * further into the file (a truncated scan) goes unnoticed here.
 *
 * <p>Reads byte by byte: give it a buffered stream when each read is expensive. Thread-safe.
 */
public final class ImageInspector {

    /** Kling's own size limit, so any image Kling could accept is inspected to its header. */
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;

    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int SNIFF_BYTES = 12;
    /** IHDR is fixed: width, height, bit depth, colour type, compression, filter, interlace. */
    private static final int IHDR_LENGTH = 13;

    private final long maxBytes;

    public ImageInspector() {
        this(DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes how far into the content to look for the size before giving up */
    public ImageInspector(long maxBytes) {
        if (maxBytes < SNIFF_BYTES) {
            throw new IllegalArgumentException("maxBytes must be at least " + SNIFF_BYTES + ", was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * @param content read from its current position; not closed
     * @throws InvalidImageException when the content is empty, not JPEG or PNG, truncated or corrupt
     *                               before its size, or has no size within {@code maxBytes}
     * @throws UncheckedIOException  when reading fails for another reason than the content ending
     */
    public ImageFacts inspect(InputStream content) {
        try {
            PushbackInputStream in = new PushbackInputStream(content, SNIFF_BYTES);
            byte[] head = readUpTo(in, SNIFF_BYTES);
            in.unread(head);
            if (startsWith(head, JPEG_MAGIC)) {
                return readJpeg(new Cursor(in, maxBytes, "JPEG"));
            }
            if (startsWith(head, PNG_SIGNATURE)) {
                return readPng(new Cursor(in, maxBytes, "PNG"));
            }
            throw notJpegOrPng(head);
        } catch (EOFException e) {
            // Some streams signal a short body this way instead of returning -1.
            throw new InvalidImageException("content is truncated: the stream reported its end early");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read image content", e);
        }
    }

    private static ImageFacts readPng(Cursor c) throws IOException {
        c.skip(PNG_SIGNATURE.length, "the signature");
        long length = c.u32("the first chunk's length");
        byte[] typeAndData = new byte[4 + IHDR_LENGTH];
        c.readFully(typeAndData, 0, 4, "the first chunk's type");
        String type = new String(typeAndData, 0, 4, StandardCharsets.ISO_8859_1);
        if (!type.equals("IHDR")) {
            throw c.corrupt("the first chunk is '" + printable(type) + "', expected IHDR");
        }
        if (length != IHDR_LENGTH) {
            throw c.corrupt("IHDR is " + length + " bytes long, expected " + IHDR_LENGTH);
        }
        c.readFully(typeAndData, 4, IHDR_LENGTH, "the IHDR chunk");
        long crc = c.u32("the IHDR checksum");
        CRC32 expected = new CRC32();
        expected.update(typeAndData);
        if (crc != expected.getValue()) {
            throw c.corrupt("the IHDR checksum does not match");
        }
        long width = u32(typeAndData, 4);
        long height = u32(typeAndData, 8);
        if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw c.corrupt("IHDR gives an impossible size of " + width + "x" + height + " px");
        }
        return new ImageFacts(ImageFormat.PNG, (int) width, (int) height);
    }

    private static ImageFacts readJpeg(Cursor c) throws IOException {
        c.skip(2, "the start-of-image marker");
        while (true) {
            long offset = c.position();
            int b = c.u8("a marker");
            if (b != 0xFF) {
                throw c.corrupt(String.format("expected a marker at offset %d, found byte 0x%02X", offset, b));
            }
            int marker;
            do {
                marker = c.u8("a marker"); // any number of 0xFF fill bytes may precede a marker
            } while (marker == 0xFF);
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // TEM and RSTn stand alone: no length follows
            }
            offset = c.position() - 2;
            String at = markerName(marker) + " at offset " + offset;
            String segment = "the " + markerName(marker) + " segment at offset " + offset;
            switch (marker) {
                case 0x00 -> throw c.corrupt("expected a marker at offset " + offset + ", found a stuffed 0xFF00");
                case 0xD8 -> throw c.corrupt("a second " + at + " before the frame header (SOF)");
                case 0xD9 -> throw c.invalid("ends (" + at + ") before its frame header (SOF)");
                case 0xDA -> throw c.invalid("scan data (" + at + ") starts before its frame header (SOF)");
                default -> {
                    // every other marker starts a segment whose length counts itself but not the marker
                }
            }
            int length = c.u16("the length of " + segment);
            if (length < 2) {
                throw c.corrupt(segment + " has an impossible length of " + length);
            }
            if (isStartOfFrame(marker)) {
                return readFrameHeader(c, segment, length);
            }
            c.skip(length - 2, segment);
        }
    }

    private static ImageFacts readFrameHeader(Cursor c, String segment, int length) throws IOException {
        if (length < 8) {
            throw c.corrupt(segment + " is " + length + " bytes long, too short for a frame header");
        }
        c.u8("the sample precision in " + segment);
        int height = c.u16("the height in " + segment);
        int width = c.u16("the width in " + segment);
        if (width == 0) {
            throw c.corrupt(segment + " gives a width of 0 px");
        }
        if (height == 0) {
            throw c.invalid("leaves its height to a later DNL marker (" + segment + "), which is not supported");
        }
        return new ImageFacts(ImageFormat.JPEG, width, height);
    }

    /** SOF0-3, 5-7, 9-11, 13-15; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static String markerName(int marker) {
        String code = String.format("0xFF%02X", marker);
        String name;
        if (isStartOfFrame(marker)) {
            name = "SOF" + (marker - 0xC0);
        } else if (marker >= 0xE0 && marker <= 0xEF) {
            name = "APP" + (marker - 0xE0);
        } else {
            name = switch (marker) {
                case 0xC4 -> "DHT";
                case 0xCC -> "DAC";
                case 0xD8 -> "SOI";
                case 0xD9 -> "EOI";
                case 0xDA -> "SOS";
                case 0xDB -> "DQT";
                case 0xDC -> "DNL";
                case 0xDD -> "DRI";
                case 0xFE -> "COM";
                default -> null;
            };
        }
        return name == null ? "marker " + code : name + " (" + code + ")";
    }

    private static InvalidImageException notJpegOrPng(byte[] head) {
        if (head.length == 0) {
            return new InvalidImageException("content is empty (0 bytes)");
        }
        if (isProperPrefix(head, JPEG_MAGIC)) {
            return new InvalidImageException("JPEG is truncated: content ends after " + head.length + " bytes");
        }
        if (isProperPrefix(head, PNG_SIGNATURE)) {
            return new InvalidImageException("PNG is truncated: content ends after " + head.length
                    + " bytes, inside the signature");
        }
        String kind = guessFormat(head);
        String found = kind != null ? "it looks like " + kind : "it starts with bytes " + hex(head);
        return new InvalidImageException("content is not JPEG or PNG (" + found + ")");
    }

    /** Names the formats people most often upload by mistake, so the message says what to convert from. */
    private static String guessFormat(byte[] h) {
        String ascii = new String(h, StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("GIF87a") || ascii.startsWith("GIF89a")) {
            return "GIF";
        }
        if (ascii.startsWith("RIFF") && ascii.length() >= 12 && ascii.startsWith("WEBP", 8)) {
            return "WebP";
        }
        if (ascii.startsWith("BM")) {
            return "BMP";
        }
        if (ascii.startsWith("II*\0") || ascii.startsWith("MM\0*")) {
            return "TIFF";
        }
        if (ascii.length() >= 12 && ascii.startsWith("ftyp", 4)) {
            String brand = ascii.substring(8, 12);
            if (brand.startsWith("avi")) {
                return "AVIF";
            }
            if (brand.startsWith("hei") || brand.startsWith("mif")) {
                return "HEIC";
            }
            return "an ISO media file (brand '" + printable(brand) + "')";
        }
        if (ascii.startsWith("%PDF")) {
            return "PDF";
        }
        return null;
    }

    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] buf = new byte[n];
        int filled = 0;
        while (filled < n) {
            int r = in.read(buf, filled, n - filled);
            if (r < 0) {
                break;
            }
            filled += r;
        }
        return Arrays.copyOf(buf, filled);
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static boolean isProperPrefix(byte[] data, byte[] full) {
        return data.length < full.length && Arrays.equals(data, 0, data.length, full, 0, data.length);
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** A position-counting reader over the content that turns its end and the byte limit into messages. */
    private static final class Cursor {
        private final InputStream in;
        private final long limit;
        private final String format;
        private long position;

        Cursor(InputStream in, long limit, String format) {
            this.in = in;
            this.limit = limit;
            this.format = format;
        }

        long position() {
            return position;
        }

        int u8(String what) throws IOException {
            ensureWithinLimit(1);
            int b = in.read();
            if (b < 0) {
                throw truncated(what);
            }
            position++;
            return b;
        }

        int u16(String what) throws IOException {
            return (u8(what) << 8) | u8(what);
        }

        long u32(String what) throws IOException {
            return ((long) u16(what) << 16) | u16(what);
        }

        void readFully(byte[] into, int off, int len, String what) throws IOException {
            ensureWithinLimit(len);
            int done = 0;
            while (done < len) {
                int r = in.read(into, off + done, len - done);
                if (r < 0) {
                    throw truncated(what);
                }
                done += r;
                position += r;
            }
        }

        /** Skips exactly {@code n} bytes; {@link InputStream#skip} may skip fewer, or none without being at the end. */
        void skip(long n, String what) throws IOException {
            ensureWithinLimit(n);
            long remaining = n;
            while (remaining > 0) {
                long skipped = in.skip(remaining);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw truncated(what);
                    }
                    skipped = 1;
                }
                remaining -= skipped;
                position += skipped;
            }
        }

        private void ensureWithinLimit(long n) {
            if (position + n > limit) {
                throw new InvalidImageException(format + " size not found in the first " + limit
                        + " bytes (reading " + n + " more bytes at offset " + position + ")");
            }
        }

        InvalidImageException truncated(String what) {
            return new InvalidImageException(format + " is truncated: content ends after " + position
                    + " bytes, while reading " + what);
        }

        InvalidImageException corrupt(String detail) {
            return new InvalidImageException(format + " is corrupt: " + detail);
        }

        InvalidImageException invalid(String detail) {
            return new InvalidImageException(format + " " + detail);
        }
    }
}
