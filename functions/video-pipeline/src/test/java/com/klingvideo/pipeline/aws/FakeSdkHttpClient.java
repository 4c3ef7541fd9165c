package com.klingvideo.pipeline.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An {@link SdkHttpClient} for real SDK clients in unit tests: records every request exactly as the
 * SDK would send it and answers with canned responses, in order. Nothing leaves the JVM.
 */
final class FakeSdkHttpClient implements SdkHttpClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it reached the wire; header names in lower case; aws-chunked bodies decoded. */
    record Recorded(SdkHttpMethod method, String path, Map<String, List<String>> query,
                    Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String queryParam(String name) {
            List<String> values = query.get(name);
            return values == null ? null : values.get(0);
        }

        /** The operation of a JSON-protocol call, for example {@code DynamoDB_20120810.PutItem}. */
        String target() {
            return header("X-Amz-Target");
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record Canned(int status, Map<String, String> headers, byte[] body) {
    }

    private final Deque<Canned> responses = new ArrayDeque<>();
    private final List<Recorded> requests = new ArrayList<>();

    /**
     * Queues a response; {@code headers} are name/value pairs. Content-Length is the body's unless given,
     * or left out when a Transfer-Encoding is given.
     */
    FakeSdkHttpClient respond(int status, String body, String... headers) {
        return respond(status, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    FakeSdkHttpClient respond(int status, byte[] body, String... headers) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        responses.add(new Canned(status, map, body));
        return this;
    }

    /** Queues a JSON-protocol answer (DynamoDB, Step Functions, Secrets Manager). */
    FakeSdkHttpClient respondJson(int status, String json) {
        return respond(status, json, "Content-Type", "application/x-amz-json-1.0");
    }

    /** Queues a JSON-protocol error the way AWS reports it: the error type in {@code __type}. */
    FakeSdkHttpClient respondJsonError(int status, String errorType, String message) {
        return respondJson(status, "{\"__type\":\"" + errorType + "\",\"message\":\"" + message + "\"}");
    }

    List<Recorded> requests() {
        return List.copyOf(requests);
    }

    Recorded onlyRequest() {
        if (requests.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + requests.size());
        }
        return requests.get(0);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return execute(request);
            }

            @Override
            public void abort() {
            }
        };
    }

    private synchronized HttpExecuteResponse execute(HttpExecuteRequest request) throws IOException {
        byte[] body = new byte[0];
        if (request.contentStreamProvider().isPresent()) {
            try (InputStream in = request.contentStreamProvider().get().newStream()) {
                body = in.readAllBytes();
            }
        }
        Map<String, List<String>> headers = new TreeMap<>();
        request.httpRequest().forEachHeader((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        List<String> encoding = headers.get("content-encoding");
        if (encoding != null && encoding.get(0).contains("aws-chunked")) {
            body = decodeAwsChunked(body);
        }
        requests.add(new Recorded(request.httpRequest().method(), request.httpRequest().encodedPath(),
                request.httpRequest().rawQueryParameters(), headers, body));

        Canned canned = responses.poll();
        if (canned == null) {
            throw new AssertionError("no canned response left for " + request.httpRequest().method() + " "
                    + request.httpRequest().encodedPath() + " " + headers.get("x-amz-target"));
        }
        SdkHttpResponse.Builder response = SdkHttpResponse.builder().statusCode(canned.status());
        canned.headers().forEach(response::putHeader);
        if (!canned.headers().containsKey("Content-Length") && !canned.headers().containsKey("Transfer-Encoding")) {
            response.putHeader("Content-Length", Integer.toString(canned.body().length));
        }
        return HttpExecuteResponse.builder()
                .response(response.build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(canned.body())))
                .build();
    }

    /** S3 uploads over plain http are signed per chunk: {@code hex-size;chunk-signature=...\r\ndata\r\n}. */
    private static byte[] decodeAwsChunked(byte[] encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < encoded.length) {
            int lineEnd = indexOfCrlf(encoded, pos);
            String header = new String(encoded, pos, lineEnd - pos, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(encoded, lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("malformed aws-chunked body");
    }

    @Override
    public String clientName() {
        return "fake";
    }

    @Override
    public void close() {
    }
}
