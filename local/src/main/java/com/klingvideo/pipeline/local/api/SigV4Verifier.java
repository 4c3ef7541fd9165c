package com.klingvideo.pipeline.local.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 on requests to IAM-authorized methods, as API Gateway does for
 * {@code AWS_IAM}: the {@code Authorization} header's credential scope, the signed headers and the
 * signature, over the request as received, with the secret of a known access key; {@code X-Amz-Date}
 * within 15 minutes of now. Anything a real client signs (the AWS SDKs, {@code curl --aws-sigv4}) passes.
 */
final class SigV4Verifier {
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
                    + "SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final String SERVICE = "execute-api";

    /** Who signed: the principal the access key belongs to. */
    record Principal(String accessKeyId, String userArn, String accountId) {
    }

    /** What a check found. */
    enum Verdict {
        VALID,
        MISSING,
        UNKNOWN_KEY,
        INVALID
    }

    record Result(Verdict verdict, Principal principal) {
    }

    private final String region;
    private final Map<String, String> secrets;
    private final Map<String, Principal> principals;

    /**
     * @param secrets    secret access key by access key id
     * @param principals who each access key belongs to
     */
    SigV4Verifier(String region, Map<String, String> secrets, Map<String, Principal> principals) {
        this.region = region;
        this.secrets = Map.copyOf(secrets);
        this.principals = Map.copyOf(principals);
    }

    /**
     * @param rawPath  the path as sent, percent-encoding intact
     * @param rawQuery the query as sent, or null
     * @param headers  header values by name, any case
     */
    Result verify(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
            Instant now) {
        String authorization = header(headers, "Authorization").orElse(null);
        if (authorization == null) {
            return new Result(Verdict.MISSING, null);
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            return new Result(Verdict.INVALID, null);
        }
        String accessKey = m.group(1);
        String secret = secrets.get(accessKey);
        if (secret == null) {
            return new Result(Verdict.UNKNOWN_KEY, null);
        }
        String date = m.group(2);
        if (!m.group(3).equals(region) || !m.group(4).equals(SERVICE)) {
            return new Result(Verdict.INVALID, null);
        }
        String amzDate = header(headers, "X-Amz-Date").orElse(null);
        if (amzDate == null || !amzDate.startsWith(date) || !fresh(amzDate, now)) {
            return new Result(Verdict.INVALID, null);
        }
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        if (!signedHeaders.contains("host")) {
            return new Result(Verdict.INVALID, null);
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = values(headers, name);
            if (values.isEmpty()) {
                return new Result(Verdict.INVALID, null);
            }
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.trim().replaceAll("\\s+", " ")));
            canonicalHeaders.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        // The signature covers the body as received: a declared hash must be the body's own.
        String payloadHash = hex(sha256(body));
        Optional<String> declared = header(headers, "X-Amz-Content-Sha256");
        if (declared.isPresent() && !declared.get().equalsIgnoreCase(payloadHash)) {
            return new Result(Verdict.INVALID, null);
        }
        String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";
        byte[] key = signingKey(secret, date);
        // Clients differ in whether they encode path segments once or twice; for the plain paths of
        // this API both are the same, and either is accepted.
        for (String path : List.of(canonicalPath(rawPath, true), canonicalPath(rawPath, false))) {
            String canonicalRequest = method + "\n" + path + "\n" + canonicalQuery(rawQuery) + "\n" + canonicalHeaders
                    + "\n" + String.join(";", signedHeaders) + "\n" + payloadHash;
            String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                    + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
            String expected = hex(hmac(key, stringToSign));
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    m.group(6).getBytes(StandardCharsets.US_ASCII))) {
                return new Result(Verdict.VALID, principals.get(accessKey));
            }
        }
        return new Result(Verdict.INVALID, null);
    }

    private static boolean fresh(String amzDate, Instant now) {
        try {
            Instant signedAt = Instant.from(AMZ_DATE.parse(amzDate));
            return Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) <= 0;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String canonicalPath(String rawPath, boolean doubleEncode) {
        if (rawPath.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/", -1)) {
            String encoded = encode(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            segments.add(doubleEncode ? encode(encoded) : encoded);
        }
        return String.join("/", segments);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            sorted.computeIfAbsent(encode(name), k -> new ArrayList<>()).add(encode(value));
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((name, values) -> values.stream().sorted().forEach(v -> parts.add(name + "=" + v)));
        return String.join("&", parts);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** RFC 3986 percent-encoding: everything but unreserved characters. */
    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private byte[] signingKey(String secret, String date) {
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, SERVICE);
        return hmac(key, "aws4_request");
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static Optional<String> header(Map<String, List<String>> headers, String name) {
        List<String> values = values(headers, name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        List<String> values = new ArrayList<>();
        headers.forEach((key, list) -> {
            if (key.equalsIgnoreCase(name) && list != null) {
                values.addAll(list);
            }
        });
        return values;
    }
}
