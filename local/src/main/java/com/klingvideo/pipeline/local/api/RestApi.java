package com.klingvideo.pipeline.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.local.SamTemplate;
import java.util.List;
import java.util.Objects;

/**
 * One REST API as the local API serves it: its stage, whether its methods require an API key, its
 * routes, and how it words its own errors.
 */
public record RestApi(String stageName, boolean apiKeyRequired, List<ApiRoute> routes,
                      GatewayResponses gatewayResponses) {
    public static final String SERVERLESS_API = "AWS::Serverless::Api";

    public RestApi {
        if (stageName == null || stageName.isBlank() || stageName.contains("/")) {
            throw new IllegalArgumentException("a stage name is one path segment, not " + stageName);
        }
        routes = List.copyOf(routes);
        Objects.requireNonNull(gatewayResponses, "gatewayResponses");
    }

    /** The template's only {@code AWS::Serverless::Api}. */
    public static RestApi fromTemplate(SamTemplate template) {
        List<String> apis = template.resourcesOfType(SERVERLESS_API);
        if (apis.size() != 1) {
            throw new IllegalArgumentException("expected one " + SERVERLESS_API + ", found " + apis
                    + "; name the one to serve");
        }
        return fromTemplate(template, apis.get(0));
    }

    /**
     * The named {@code AWS::Serverless::Api}: {@code StageName}, {@code Auth.ApiKeyRequired},
     * {@code GatewayResponses}, and the routes of the {@code Api} events that refer to it.
     */
    public static RestApi fromTemplate(SamTemplate template, String logicalId) {
        if (!SERVERLESS_API.equals(template.type(logicalId))) {
            throw new IllegalArgumentException(logicalId + " is not an " + SERVERLESS_API);
        }
        JsonNode properties = template.properties(logicalId);
        JsonNode stage = properties.path("StageName");
        if (!stage.isTextual()) {
            throw new IllegalArgumentException(logicalId + ": StageName must be a literal string");
        }
        return new RestApi(stage.asText(), properties.path("Auth").path("ApiKeyRequired").asBoolean(false),
                ApiRoutes.fromTemplate(template, logicalId), GatewayResponses.of(properties.path("GatewayResponses")));
    }
}
