package com.klingvideo.pipeline.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The REST API (v1) Lambda proxy integration in both directions: an HTTP request becomes the event
 * API Gateway sends, and the function's {@code APIGatewayProxyResponseEvent} becomes the HTTP response.
 */
final class ProxyEvents {
    static final String ACCOUNT_ID = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ProxyEvents() {
    }

    /** What API Gateway knows about a request when it calls the function. */
    record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
                   String sourceIp, Instant time) {
    }

    /**
     * Which route, stage and caller the request resolved to.
     *
     * @param signer the IAM principal of a SigV4-signed request to an IAM-authorized method, or null
     */
    record Target(String stage, String apiId, String resourcePath, Map<String, String> pathParameters,
                  String apiKey, String apiKeyId, String requestId, SigV4Verifier.Principal signer) {
    }

    /** A proxy response, ready to send. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }

    static byte[] requestEvent(Request request, Target target) {
        ObjectNode event = JSON.createObjectNode();
        event.put("resource", target.resourcePath());
        event.put("path", request.rawPath());
        event.put("httpMethod", request.method());
        putHeaders(event, request.headers());
        putQuery(event, request.rawQuery());
        if (target.pathParameters().isEmpty()) {
            event.putNull("pathParameters");
        } else {
            ObjectNode parameters = event.putObject("pathParameters");
            target.pathParameters().forEach(parameters::put);
        }
        event.putNull("stageVariables");
        event.set("requestContext", requestContext(request, target));
        putBody(event, request);
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalStateException("event not serialisable", e);
        }
    }

    /**
     * @throws IllegalArgumentException when the function's answer is not a proxy response (API Gateway
     *                                  logs "Malformed Lambda proxy response" and answers 502)
     */
    static Response response(byte[] payload) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("Malformed Lambda proxy response: not JSON", e);
        }
        if (root == null || !root.isObject() || !root.path("statusCode").canConvertToInt()
                && !root.path("statusCode").asText().matches("\\d{3}")) {
            throw new IllegalArgumentException("Malformed Lambda proxy response: no statusCode");
        }
        int status = root.path("statusCode").asInt();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        // API Gateway merges both maps; a value given in both appears once.
        for (Map.Entry<String, JsonNode> header : root.path("multiValueHeaders").properties()) {
            List<String> values = headers.computeIfAbsent(header.getKey(), name -> new ArrayList<>());
            header.getValue().forEach(value -> values.add(value.asText()));
        }
        for (Map.Entry<String, JsonNode> header : root.path("headers").properties()) {
            List<String> values = headers.computeIfAbsent(header.getKey(), name -> new ArrayList<>());
            if (!values.contains(header.getValue().asText())) {
                values.add(header.getValue().asText());
            }
        }
        if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            headers.put("Content-Type", List.of("application/json"));
        }
        JsonNode body = root.path("body");
        byte[] bytes;
        if (body.isMissingNode() || body.isNull()) {
            bytes = new byte[0];
        } else if (root.path("isBase64Encoded").asBoolean(false)) {
            try {
                bytes = Base64.getDecoder().decode(body.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Malformed Lambda proxy response: body is not base64", e);
            }
        } else {
            bytes = body.asText().getBytes(StandardCharsets.UTF_8);
        }
        return new Response(status, headers, bytes);
    }

    private static void putHeaders(ObjectNode event, Map<String, List<String>> headers) {
        putValues(event, "headers", "multiValueHeaders", headers);
    }

    /**
     * API Gateway's pair of views of repeatable values: the last value of each name, and all of them;
     * both null when there are none.
     */
    private static void putValues(ObjectNode event, String singleName, String multiName,
                                  Map<String, List<String>> values) {
        if (values.isEmpty()) {
            event.putNull(singleName);
            event.putNull(multiName);
            return;
        }
        ObjectNode single = event.putObject(singleName);
        ObjectNode multi = event.putObject(multiName);
        values.forEach((name, list) -> {
            single.put(name, list.get(list.size() - 1));
            ArrayNode all = multi.putArray(name);
            list.forEach(all::add);
        });
    }

    /** Decoded parameters; {@code queryStringParameters} keeps the last of repeated values. */
    private static void putQuery(ObjectNode event, String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                parameters.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
            }
        }
        putValues(event, "queryStringParameters", "multiValueQueryStringParameters", parameters);
    }

    private static ObjectNode requestContext(Request request, Target target) {
        ObjectNode context = JSON.createObjectNode();
        context.put("resourceId", Integer.toHexString(target.resourcePath().hashCode()));
        context.put("resourcePath", target.resourcePath());
        context.put("httpMethod", request.method());
        context.put("extendedRequestId", target.requestId());
        context.put("requestTime", REQUEST_TIME.format(request.time()));
        context.put("path", "/" + target.stage() + request.rawPath());
        context.put("accountId", ACCOUNT_ID);
        context.put("protocol", "HTTP/1.1");
        context.put("stage", target.stage());
        context.put("domainPrefix", target.apiId());
        context.put("requestTimeEpoch", request.time().toEpochMilli());
        context.put("requestId", target.requestId());
        ObjectNode identity = context.putObject("identity");
        identity.putNull("cognitoIdentityPoolId");
        SigV4Verifier.Principal signer = target.signer();
        identity.put("accountId", signer == null ? null : signer.accountId());
        identity.putNull("cognitoIdentityId");
        identity.put("caller", signer == null ? null : signer.accessKeyId());
        identity.put("sourceIp", request.sourceIp());
        identity.putNull("principalOrgId");
        identity.put("accessKey", signer == null ? null : signer.accessKeyId());
        identity.putNull("cognitoAuthenticationType");
        identity.putNull("cognitoAuthenticationProvider");
        identity.put("userArn", signer == null ? null : signer.userArn());
        identity.put("userAgent", last(request.headers(), "User-Agent"));
        identity.put("user", signer == null ? null : signer.accessKeyId());
        identity.put("apiKey", target.apiKey());
        identity.put("apiKeyId", target.apiKeyId());
        context.put("domainName", last(request.headers(), "Host"));
        context.put("apiId", target.apiId());
        return context;
    }

    /**
     * Text bodies as they are; other content types base64-encoded with {@code isBase64Encoded}, as API
     * Gateway passes binary media types.
     */
    private static void putBody(ObjectNode event, Request request) {
        if (request.body().length == 0) {
            event.putNull("body");
            event.put("isBase64Encoded", false);
        } else if (isText(last(request.headers(), "Content-Type"))) {
            event.put("body", new String(request.body(), StandardCharsets.UTF_8));
            event.put("isBase64Encoded", false);
        } else {
            event.put("body", Base64.getEncoder().encodeToString(request.body()));
            event.put("isBase64Encoded", true);
        }
    }

    static boolean isText(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml") || type.equals("application/javascript")
                || type.equals("application/x-www-form-urlencoded");
    }

    private static String last(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(header.getValue().size() - 1);
            }
        }
        return null;
    }
}
