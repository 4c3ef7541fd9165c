package com.klingvideo.pipeline.domain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes RFC 2047 encoded-words ({@code =?UTF-8?B?...?=}, {@code =?UTF-8?Q?...?=}) in a header value.
 * S3 keeps user metadata in US-ASCII HTTP headers, so a value with other characters comes back in
 * this form.
 *
 * <p>Adjacent encoded-words (separated only by whitespace, which is then dropped) in the same charset
 * are decoded as one byte sequence, so a character split across two words survives. A malformed word
 * is left as written, as RFC 2047 asks.
 */
final class EncodedWords {

    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");

    private EncodedWords() {
    }

    static String decode(String value) {
        if (value == null || !value.contains("=?")) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        Run run = null;
        int last = 0;
        Matcher m = WORD.matcher(value);
        while (m.find()) {
            String between = value.substring(last, m.start());
            Charset charset = charset(m.group(1));
            byte[] bytes = charset == null ? null : bytes(m.group(2), m.group(3));
            boolean adjacent = run != null && between.isBlank();
            if (bytes == null) {
                flush(run, out);
                run = null;
                out.append(between).append(m.group());
            } else if (adjacent && run.charset.equals(charset)) {
                run.bytes.writeBytes(bytes);
            } else {
                flush(run, out);
                if (!adjacent) {
                    out.append(between);
                }
                run = new Run(charset);
                run.bytes.writeBytes(bytes);
            }
            last = m.end();
        }
        flush(run, out);
        return out.append(value, last, value.length()).toString();
    }

    private static Charset charset(String name) {
        int language = name.indexOf('*'); // RFC 2231: "UTF-8*en"
        try {
            return Charset.forName(language < 0 ? name : name.substring(0, language));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] bytes(String encoding, String text) {
        if (encoding.equalsIgnoreCase("B")) {
            try {
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = hexDigit(text.charAt(i + 1));
                int lo = hexDigit(text.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > ' ' && c < 0x7F) {
                out.write(c);
            } else {
                return null;
            }
        }
        return out.toByteArray();
    }

    /** ASCII only: Character.digit would also take other scripts' digits. */
    private static int hexDigit(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static void flush(Run run, StringBuilder out) {
        if (run != null) {
            out.append(new String(run.bytes.toByteArray(), run.charset));
        }
    }

    /** Decoded bytes of adjacent words in one charset, waiting to become text. */
    private static final class Run {
        final Charset charset;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Run(Charset charset) {
            this.charset = charset;
        }
    }
}
