package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.InvalidImageException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Tells the format and pixel size of an image from its content, and checks that its structure is whole,
 * without decoding pixels: the format by magic bytes, the size from a PNG's IHDR chunk or a JPEG's frame
 * header (SOFn), completeness by walking the file to its end marker.
 *
 * <p>JPEG: every marker segment well formed, a frame header, at least one scan with entropy-coded data,
 * and an end-of-image marker (EOI). PNG: the signature, IHDR first, every chunk's length within the file
 * and its type four letters, no unknown critical chunk, at least one IDAT, and IEND. The checksums of
 * critical chunks (IHDR, PLTE, IDAT, IEND) must match; those of ancillary chunks are not checked, as
 * decoders drop a damaged ancillary chunk and go on. A truncated upload is thus always refused: it ends
 * before its end marker.
 *
 * <p>Reading stops at the end marker: bytes after it are neither read nor refused, since decoders ignore
 * them and real files carry them (Multi-Picture JPEGs from phones append further images after the first
 * image's EOI). The cost is one pass over the image: segments that carry no structure (EXIF, ICC
 * profiles, ancillary PNG chunks) are skipped by their length, scan data is scanned in bulk for markers,
 * and nothing is buffered beyond one chunk. Never more than {@code maxBytes} are read.
 *
 * <p>Thread-safe.
 */
public final class ImageInspector {

    /** Kling's own size limit, so any image Kling could accept is inspected to its end. */
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;

    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int SNIFF_BYTES = 12;
    /** IHDR is fixed: width, height, bit depth, colour type, compression, filter, interlace. */
    private static final int IHDR_LENGTH = 13;
    /** PNG's own limit for a chunk's length. */
    private static final long MAX_CHUNK_LENGTH = 0x7FFF_FFFFL;
    /** The critical chunks a decoder knows; any other critical chunk makes the file unreadable. */
    private static final Set<String> KNOWN_CRITICAL = Set.of("IHDR", "PLTE", "IDAT", "IEND");
    /** How much scan data or chunk data is read at a time. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private final long maxBytes;

    public ImageInspector() {
        this(DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes how far into the content to look for its end before giving up */
    public ImageInspector(long maxBytes) {
        if (maxBytes < SNIFF_BYTES) {
            throw new IllegalArgumentException("maxBytes must be at least " + SNIFF_BYTES + ", was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * @param content read from its current position up to the image's end marker; not closed
     * @throws InvalidImageException when the content is empty, not JPEG or PNG, truncated or corrupt
     *                               anywhere before its end marker, or does not end within {@code maxBytes}
     * @throws UncheckedIOException  when reading fails for another reason than the content ending
     */
    public ImageFacts inspect(InputStream content) {
        try {
            PushbackInputStream in = new PushbackInputStream(content, CHUNK_BYTES);
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
        readPngChunks(c);
        return new ImageFacts(ImageFormat.PNG, (int) width, (int) height);
    }

    /** Walks the chunks after IHDR through IEND. */
    private static void readPngChunks(Cursor c) throws IOException {
        byte[] type = new byte[4];
        boolean seenIdat = false;
        String previous = "IHDR";
        while (true) {
            long offset = c.position();
            String beforeIend = "the chunk at offset " + offset + ", before its IEND chunk";
            long length = c.u32("the length of " + beforeIend);
            c.readFully(type, 0, 4, "the type of " + beforeIend);
            if (!isLetters(type)) {
                throw c.corrupt("the chunk at offset " + offset + " has type bytes " + hex(type) + ", not four letters");
            }
            String name = new String(type, StandardCharsets.ISO_8859_1);
            String chunk = "the " + name + " chunk at offset " + offset;
            if (length > MAX_CHUNK_LENGTH) {
                throw c.corrupt(chunk + " declares " + length + " bytes, more than the " + MAX_CHUNK_LENGTH + " PNG allows");
            }
            boolean critical = (type[0] & 0x20) == 0;
            if (critical && !KNOWN_CRITICAL.contains(name)) {
                throw c.corrupt("the chunk at offset " + offset + " is of an unknown critical type '" + name + "'");
            }
            if (name.equals("IHDR")) {
                throw c.corrupt("a second IHDR chunk at offset " + offset);
            }
            if (name.equals("IDAT") && seenIdat && !previous.equals("IDAT")) {
                throw c.corrupt(chunk + " does not follow the other IDAT chunks (they must be consecutive)");
            }
            if (name.equals("IEND") && !seenIdat) {
                throw c.invalid("has no image data: IEND at offset " + offset + " comes before any IDAT chunk");
            }
            String inside = "inside " + chunk + ", which declares " + length + " bytes of data";
            if (critical) {
                CRC32 crc = new CRC32();
                crc.update(type);
                c.digest(length, crc, inside);
                if (c.u32("the checksum of " + chunk) != crc.getValue()) {
                    throw c.corrupt("the checksum of " + chunk + " does not match");
                }
            } else {
                c.skip(length + 4, inside);
            }
            if (name.equals("IEND")) {
                return;
            }
            seenIdat |= name.equals("IDAT");
            previous = name;
        }
    }

    private static ImageFacts readJpeg(Cursor c) throws IOException {
        c.skip(2, "the start-of-image marker");
        ImageFacts facts = null;
        int marker = nextMarker(c);
        while (true) {
            long offset = c.position() - 2;
            String at = markerName(marker) + " at offset " + offset;
            String segment = "the " + markerName(marker) + " segment at offset " + offset;
            switch (marker) {
                case 0x00 -> throw c.corrupt("expected a marker at offset " + offset + ", found a stuffed 0xFF00");
                case 0xD8 -> throw c.corrupt("a second " + at + (facts == null ? " before the frame header (SOF)" : ""));
                case 0xD9 -> {
                    if (facts == null) {
                        throw c.invalid("ends (" + at + ") before its frame header (SOF)");
                    }
                    throw c.invalid("ends (" + at + ") before any scan data (SOS)");
                }
                case 0xDA -> {
                    if (facts == null) {
                        throw c.invalid("scan data (" + at + ") starts before its frame header (SOF)");
                    }
                }
                default -> {
                    // every other marker starts a segment whose length counts itself but not the marker
                }
            }
            int length = c.u16("the length of " + segment);
            if (length < 2) {
                throw c.corrupt(segment + " has an impossible length of " + length);
            }
            if (isStartOfFrame(marker) && facts == null) {
                facts = readFrameHeader(c, segment, length);
                c.skip(length - 7L, segment);
            } else if (marker == 0xDA) {
                c.skip(length - 2, segment);
                readScans(c, offset);
                return facts;
            } else {
                c.skip(length - 2, segment);
            }
            marker = nextMarker(c);
        }
    }

    /**
     * Reads from the first scan's entropy-coded data to EOI: every scan must hold data, and the segments
     * between scans (progressive JPEGs: DHT, further SOS) must be well formed.
     */
    private static void readScans(Cursor c, long sosOffset) throws IOException {
        long scanAt = sosOffset;
        while (true) {
            String scan = "the scan (SOS at offset " + scanAt + ")";
            Cursor.Scan found = c.scanEntropyCodedData(
                    "inside the entropy-coded data of " + scan + ", before its end-of-image marker (EOI)");
            if (found.dataBytes() == 0) {
                throw c.corrupt(scan + " has no entropy-coded data");
            }
            int marker = found.marker();
            while (marker != 0xDA) {
                long offset = c.position() - 2;
                if (marker == 0xD9) {
                    return;
                }
                String segment = "the " + markerName(marker) + " segment at offset " + offset;
                if (marker == 0xD8 || marker == 0x00) {
                    throw c.corrupt("expected a segment or EOI at offset " + offset + ", found " + markerName(marker));
                }
                int length = c.u16("the length of " + segment + ", before its end-of-image marker (EOI)");
                if (length < 2) {
                    throw c.corrupt(segment + " has an impossible length of " + length);
                }
                c.skip(length - 2, segment + ", before its end-of-image marker (EOI)");
                marker = nextMarker(c);
            }
            scanAt = c.position() - 2;
            int length = c.u16("the length of the SOS segment at offset " + scanAt);
            if (length < 2) {
                throw c.corrupt("the SOS segment at offset " + scanAt + " has an impossible length of " + length);
            }
            c.skip(length - 2, "the SOS segment at offset " + scanAt);
        }
    }

    /** Reads 0xFF, any fill bytes, and the marker code; skips the standalone TEM and RSTn markers. */
    private static int nextMarker(Cursor c) throws IOException {
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
            return marker;
        }
    }

    /** Reads the frame header's first five bytes: precision, height, width. */
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

    private static boolean isLetters(byte[] type) {
        for (byte b : type) {
            if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z'))) {
                return false;
            }
        }
        return true;
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
        private final PushbackInputStream in;
        private final long limit;
        private final String format;
        private long position;

        Cursor(PushbackInputStream in, long limit, String format) {
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

        /** Reads {@code n} bytes into {@code crc} without holding more than a chunk of them. */
        void digest(long n, CRC32 crc, String what) throws IOException {
            ensureWithinLimit(n);
            byte[] buffer = new byte[(int) Math.min(n, CHUNK_BYTES)];
            long remaining = n;
            while (remaining > 0) {
                int r = in.read(buffer, 0, (int) Math.min(remaining, buffer.length));
                if (r < 0) {
                    throw truncated(what);
                }
                crc.update(buffer, 0, r);
                remaining -= r;
                position += r;
            }
        }

        /** Where a scan's entropy-coded data ended: the marker after it (already read) and how much data there was. */
        record Scan(int marker, long dataBytes) {
        }

        /**
         * Reads entropy-coded data in bulk up to the next marker that is not part of it (stuffed 0xFF00,
         * RSTn, TEM and fill bytes are), and gives back what was read past that marker.
         */
        Scan scanEntropyCodedData(String what) throws IOException {
            byte[] buffer = new byte[CHUNK_BYTES];
            long data = 0;
            boolean afterFf = false;
            while (true) {
                long room = limit - position;
                if (room <= 0) {
                    ensureWithinLimit(1);
                }
                int r = in.read(buffer, 0, (int) Math.min(room, buffer.length));
                if (r < 0) {
                    throw truncated(what);
                }
                for (int i = 0; i < r; i++) {
                    int b = buffer[i] & 0xFF;
                    if (!afterFf) {
                        if (b == 0xFF) {
                            afterFf = true;
                        } else {
                            data++;
                        }
                    } else if (b == 0x00) {
                        afterFf = false;
                        data++;
                    } else if ((b >= 0xD0 && b <= 0xD7) || b == 0x01) {
                        afterFf = false; // RSTn and TEM stand alone inside the scan
                    } else if (b != 0xFF) {
                        int unread = r - i - 1;
                        in.unread(buffer, i + 1, unread);
                        position += i + 1;
                        return new Scan(b, data);
                    }
                }
                position += r;
            }
        }

        private void ensureWithinLimit(long n) {
            if (position + n > limit) {
                throw new InvalidImageException(format + " does not end within the first " + limit
                        + " bytes (reading " + n + " more bytes at offset " + position + ")");
            }
        }

        /** @param what what was being read ("the APP1 segment ...") or where the content ended ("inside ...") */
        InvalidImageException truncated(String what) {
            String where = what.startsWith("inside ") ? what : "while reading " + what;
            return new InvalidImageException(format + " is truncated: content ends after " + position
                    + " bytes, " + where);
        }

        InvalidImageException corrupt(String detail) {
            return new InvalidImageException(format + " is corrupt: " + detail);
        }

        InvalidImageException invalid(String detail) {
            return new InvalidImageException(format + " " + detail);
        }
    }
}
