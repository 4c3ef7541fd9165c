package com.klingvideo.pipeline.domain;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/** Crafted image bytes and instrumented streams for the image inspector tests. */
final class ImageBytes {

    private ImageBytes() {
    }

    /** The offset of the first marker {@code 0xFF marker} in a JPEG, walking segments from SOI. */
    static int markerOffset(byte[] jpeg, int marker) {
        int at = 2;
        while (at + 3 < jpeg.length) {
            int m = jpeg[at + 1] & 0xFF;
            if (m == marker) {
                return at;
            }
            at += 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
        }
        throw new IllegalArgumentException(String.format("no marker 0xFF%02X", marker));
    }

    /** {@code data} with {@code insert} placed at {@code offset}. */
    static byte[] insert(byte[] data, int offset, byte[] insert) {
        return concat(Arrays.copyOf(data, offset), insert, Arrays.copyOfRange(data, offset, data.length));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** A PNG chunk: length, type, data and a correct CRC over type and data. */
    static byte[] pngChunk(String type, byte[] data) {
        byte[] typeAndData = concat(type.getBytes(StandardCharsets.US_ASCII), data);
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        return concat(u32(data.length), typeAndData, u32(crc.getValue()));
    }

    /** The offset of the first chunk of {@code type} in a PNG, walking chunks from the signature. */
    static int pngChunkOffset(byte[] png, String type) {
        int at = 8;
        while (at + 8 <= png.length) {
            String found = new String(png, at + 4, 4, StandardCharsets.US_ASCII);
            if (found.equals(type)) {
                return at;
            }
            long length = ((png[at] & 0xFFL) << 24) | ((png[at + 1] & 0xFFL) << 16) | ((png[at + 2] & 0xFFL) << 8)
                    | (png[at + 3] & 0xFFL);
            at += 12 + (int) length;
        }
        throw new IllegalArgumentException("no chunk " + type);
    }

    static byte[] u32(long v) {
        return bytes((int) (v >>> 24) & 0xFF, (int) (v >>> 16) & 0xFF, (int) (v >>> 8) & 0xFF, (int) v & 0xFF);
    }

    /** Builds JPEG byte sequences marker by marker, for structures an encoder will not write. */
    static final class Jpeg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Jpeg() {
            raw(0xFF, 0xD8);
        }

        Jpeg raw(int... values) {
            out.writeBytes(ImageBytes.bytes(values));
            return this;
        }

        /** A segment with a correct length field and {@code payloadLength} bytes of filler. */
        Jpeg segment(int marker, int payloadLength) {
            raw(0xFF, marker, (payloadLength + 2) >> 8, (payloadLength + 2) & 0xFF);
            out.writeBytes(new byte[payloadLength]);
            return this;
        }

        /** A frame header with three components, as a colour JPEG has. */
        Jpeg frame(int marker, int width, int height) {
            return raw(0xFF, marker, 0x00, 0x11, 0x08, height >> 8, height & 0xFF, width >> 8, width & 0xFF,
                    0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01);
        }

        /** A minimal scan header and a little entropy-coded data. */
        Jpeg scan() {
            return raw(0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34, 0x56);
        }

        Jpeg tail(int length) {
            out.writeBytes(new byte[length]);
            return this;
        }

        Jpeg eoi() {
            return raw(0xFF, 0xD9);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** Counts what is consumed from the wrapped stream, by reads and skips alike. */
    static final class CountingInputStream extends FilterInputStream {
        private long consumed;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long consumed() {
            return consumed;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                consumed++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                consumed += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            consumed += skipped;
            return skipped;
        }
    }

    /**
     * A stream as unhelpful as the contract allows: bulk reads return one byte, and skip sometimes
     * skips nothing although data remains (as network streams do).
     */
    static final class StingyInputStream extends FilterInputStream {
        private int skipCalls;

        StingyInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }

        @Override
        public long skip(long n) throws IOException {
            return (skipCalls++ % 2 == 0) ? 0 : super.skip(Math.min(n, 7));
        }
    }
}
