package com.klingvideo.pipeline.local.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resource path such as {@code /jobs/{jobId}} or {@code /files/{proxy+}}, matched segment by segment
 * as API Gateway matches REST resources: a literal segment before a {@code {param}}, and a greedy
 * {@code {param+}} (the last segment only) last of all.
 */
final class PathTemplate {
    private enum Kind { LITERAL, PARAMETER, GREEDY }

    private record Segment(Kind kind, String text) {
    }

    private final String path;
    private final List<Segment> segments;

    PathTemplate(String path) {
        this.path = path;
        List<Segment> parsed = new ArrayList<>();
        List<String> parts = split(path);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.startsWith("{") && part.endsWith("+}")) {
                if (i != parts.size() - 1) {
                    throw new IllegalArgumentException("a greedy parameter must end the path: " + path);
                }
                parsed.add(new Segment(Kind.GREEDY, part.substring(1, part.length() - 2)));
            } else if (part.startsWith("{") && part.endsWith("}")) {
                parsed.add(new Segment(Kind.PARAMETER, part.substring(1, part.length() - 1)));
            } else {
                parsed.add(new Segment(Kind.LITERAL, part));
            }
        }
        this.segments = List.copyOf(parsed);
    }

    String path() {
        return path;
    }

    /**
     * @param rawPath the request path below the stage, still percent-encoded
     * @return the path parameters (decoded) when the path matches, else null
     */
    Map<String, String> match(String rawPath) {
        List<String> parts = split(rawPath);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment.kind() == Kind.GREEDY) {
                if (i >= parts.size()) {
                    return null;
                }
                parameters.put(segment.text(), decode(String.join("/", parts.subList(i, parts.size()))));
                return parameters;
            }
            if (i >= parts.size()) {
                return null;
            }
            String part = parts.get(i);
            if (segment.kind() == Kind.LITERAL) {
                if (!segment.text().equals(decode(part))) {
                    return null;
                }
            } else {
                parameters.put(segment.text(), decode(part));
            }
        }
        return parts.size() == segments.size() ? parameters : null;
    }

    /** Negative when this template is the more specific one for a path both match. */
    int compareSpecificity(PathTemplate other) {
        for (int i = 0; i < Math.min(segments.size(), other.segments.size()); i++) {
            int difference = segments.get(i).kind().compareTo(other.segments.get(i).kind());
            if (difference != 0) {
                return difference;
            }
        }
        return Integer.compare(other.segments.size(), segments.size());
    }

    /** Path segments; the root and a trailing slash give no empty segment. */
    private static List<String> split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("/", -1));
    }

    /** Percent-decoding of a path segment: unlike a query string, {@code +} is a plus. */
    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
