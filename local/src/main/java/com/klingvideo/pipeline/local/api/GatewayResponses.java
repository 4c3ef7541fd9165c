package com.klingvideo.pipeline.local.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The API's {@code GatewayResponses}: how API Gateway words its own errors. Without any, an error is
 * {@code {"message": "Forbidden"}}; with SAM's {@code ResponseTemplates}, {@code ResponseParameters} and
 * {@code StatusCode} for a response type, or for its fallback {@code DEFAULT_4XX} / {@code DEFAULT_5XX},
 * the error is rendered from them. Templates may use {@code $context.error.messageString} (the message
 * as a JSON string), {@code $context.error.message}, {@code $context.error.responseType} and
 * {@code $context.requestId}.
 */
public final class GatewayResponses {
    static final String DEFAULT_TEMPLATE = "{\"message\":$context.error.messageString}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode responses;

    private GatewayResponses(JsonNode responses) {
        this.responses = responses;
    }

    /** API Gateway's own wording for every error. */
    public static GatewayResponses none() {
        return new GatewayResponses(JSON.createObjectNode());
    }

    /** @param gatewayResponses the {@code GatewayResponses} property of an {@code AWS::Serverless::Api} */
    public static GatewayResponses of(JsonNode gatewayResponses) {
        return new GatewayResponses(gatewayResponses == null || gatewayResponses.isMissingNode()
                ? JSON.createObjectNode() : gatewayResponses);
    }

    /** An error as the client receives it. */
    record Rendered(int status, Map<String, String> headers, String body) {
    }

    Rendered render(GatewayError error, String requestId) {
        JsonNode own = responses.path(error.responseType());
        JsonNode response = own.isObject() ? own : responses.path(error.status() < 500 ? "DEFAULT_4XX" : "DEFAULT_5XX");
        JsonNode statusCode = response.path("StatusCode");
        int status = statusCode.isMissingNode() || statusCode.isNull() ? error.status() : Integer.parseInt(statusCode.asText());
        String template = response.path("ResponseTemplates").path("application/json").asText(DEFAULT_TEMPLATE);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        for (Map.Entry<String, JsonNode> header : response.path("ResponseParameters").path("Headers").properties()) {
            headers.put(header.getKey(), unquote(header.getValue().asText()));
        }
        String body = template
                .replace("$context.error.messageString", quoted(error.message()))
                .replace("$context.error.message", error.message())
                .replace("$context.error.responseType", error.responseType())
                .replace("$context.requestId", requestId);
        return new Rendered(status, headers, body);
    }

    /** Header values in ResponseParameters are literals in single quotes: {@code "'*'"}. */
    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
