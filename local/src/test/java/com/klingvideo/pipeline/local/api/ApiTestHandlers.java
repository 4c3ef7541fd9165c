package com.klingvideo.pipeline.local.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Functions behind the local API in its tests. */
public final class ApiTestHandlers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiTestHandlers() {
    }

    /** Answers with the event as the handlers' event class read it. */
    public static class EventEcho implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            Map<String, Object> seen = new LinkedHashMap<>();
            seen.put("resource", event.getResource());
            seen.put("path", event.getPath());
            seen.put("httpMethod", event.getHttpMethod());
            seen.put("headers", event.getHeaders());
            seen.put("multiValueHeaders", event.getMultiValueHeaders());
            seen.put("queryStringParameters", event.getQueryStringParameters());
            seen.put("multiValueQueryStringParameters", event.getMultiValueQueryStringParameters());
            seen.put("pathParameters", event.getPathParameters());
            seen.put("stageVariables", event.getStageVariables());
            seen.put("body", event.getBody());
            seen.put("isBase64Encoded", event.getIsBase64Encoded());
            APIGatewayProxyRequestEvent.ProxyRequestContext request = event.getRequestContext();
            Map<String, Object> requestContext = new LinkedHashMap<>();
            requestContext.put("resourcePath", request.getResourcePath());
            requestContext.put("httpMethod", request.getHttpMethod());
            requestContext.put("path", request.getPath());
            requestContext.put("stage", request.getStage());
            requestContext.put("requestId", request.getRequestId());
            requestContext.put("accountId", request.getAccountId());
            requestContext.put("apiId", request.getApiId());
            requestContext.put("requestTimeEpoch", request.getRequestTimeEpoch());
            requestContext.put("apiKey", request.getIdentity().getApiKey());
            requestContext.put("sourceIp", request.getIdentity().getSourceIp());
            requestContext.put("userAgent", request.getIdentity().getUserAgent());
            seen.put("requestContext", requestContext);
            try {
                return new APIGatewayProxyResponseEvent()
                        .withStatusCode(200)
                        .withHeaders(Map.of("Content-Type", "application/json"))
                        .withBody(JSON.writeValueAsString(seen));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Answers with the raw event JSON, to show every field API Gateway sends (the event class drops some). */
    public static class RawEvent implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            ObjectNode response = JSON.createObjectNode();
            response.put("statusCode", 201);
            response.putObject("headers").put("Content-Type", "application/json").put("X-Handler", "RawEvent");
            response.putObject("multiValueHeaders").putArray("Set-Cookie").add("a=1").add("b=2");
            response.put("body", JSON.readTree(input).toString());
            JSON.writeValue(output, response);
        }
    }

    /** Answers with bytes that are not text, base64-encoded as a proxy response carries them. */
    public static class BinaryAnswer implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        static final byte[] BYTES = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xFF};

        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            return new APIGatewayProxyResponseEvent()
                    .withStatusCode(200)
                    .withHeaders(Map.of("Content-Type", "image/png"))
                    .withBody(Base64.getEncoder().encodeToString(BYTES))
                    .withIsBase64Encoded(true);
        }
    }

    /** Throws, as a handler bug would. */
    public static class Broken implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            throw new IllegalStateException("handler bug");
        }
    }

    /** Returns something that is not a proxy response. */
    public static class NotAProxyResponse implements RequestHandler<APIGatewayProxyRequestEvent, String> {
        @Override
        public String handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            return "done";
        }
    }
}
