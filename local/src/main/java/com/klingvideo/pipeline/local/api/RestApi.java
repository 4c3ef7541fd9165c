package com.klingvideo.pipeline.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.local.SamTemplate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One REST API as the local API serves it: its stage, whether its methods require an API key and a
 * SigV4 signature ({@code Auth.DefaultAuthorizer: AWS_IAM}) unless they say otherwise, its routes, and
 * how it words its own errors.
 */
public record RestApi(String stageName, boolean apiKeyRequired, boolean iamByDefault, List<ApiRoute> routes,
                      GatewayResponses gatewayResponses) {
    public static final String SERVERLESS_API = "AWS::Serverless::Api";

    public RestApi {
        if (stageName == null || stageName.isBlank() || stageName.contains("/")) {
            throw new IllegalArgumentException("a stage name is one path segment, not " + stageName);
        }
        routes = List.copyOf(routes);
        Objects.requireNonNull(gatewayResponses, "gatewayResponses");
    }

    /** An API whose methods need no signature unless they say so. */
    public RestApi(String stageName, boolean apiKeyRequired, List<ApiRoute> routes, GatewayResponses gatewayResponses) {
        this(stageName, apiKeyRequired, false, routes, gatewayResponses);
    }

    /** The template's only {@code AWS::Serverless::Api}, deployed with its parameters' defaults. */
    public static RestApi fromTemplate(SamTemplate template) {
        return fromTemplate(template, Map.of());
    }

    /** The template's only {@code AWS::Serverless::Api}, deployed with these parameter values. */
    public static RestApi fromTemplate(SamTemplate template, Map<String, String> parameters) {
        List<String> apis = template.resourcesOfType(SERVERLESS_API);
        if (apis.size() != 1) {
            throw new IllegalArgumentException("expected one " + SERVERLESS_API + ", found " + apis
                    + "; name the one to serve");
        }
        return fromTemplate(template, apis.get(0), parameters);
    }

    /**
     * The named {@code AWS::Serverless::Api}: {@code StageName}, {@code Auth.ApiKeyRequired},
     * {@code GatewayResponses}, and the routes of the {@code Api} events that refer to it.
     */
    public static RestApi fromTemplate(SamTemplate template, String logicalId) {
        return fromTemplate(template, logicalId, Map.of());
    }

    /**
     * As {@link #fromTemplate(SamTemplate, String)}, with {@code Auth.DefaultAuthorizer} given literally or
     * as the Ref of a parameter (SAM resolves that much of an Api's Auth itself): its value here, else its
     * default. Only {@code AWS_IAM} or none are served.
     */
    public static RestApi fromTemplate(SamTemplate template, String logicalId, Map<String, String> parameters) {
        if (!SERVERLESS_API.equals(template.type(logicalId))) {
            throw new IllegalArgumentException(logicalId + " is not an " + SERVERLESS_API);
        }
        JsonNode properties = template.properties(logicalId);
        JsonNode stage = properties.path("StageName");
        if (!stage.isTextual()) {
            throw new IllegalArgumentException(logicalId + ": StageName must be a literal string");
        }
        String authorizer = defaultAuthorizer(template, logicalId, properties.path("Auth").path("DefaultAuthorizer"),
                parameters);
        return new RestApi(stage.asText(), properties.path("Auth").path("ApiKeyRequired").asBoolean(false),
                authorizer.equals("AWS_IAM"), ApiRoutes.fromTemplate(template, logicalId),
                GatewayResponses.of(properties.path("GatewayResponses")));
    }

    private static String defaultAuthorizer(SamTemplate template, String logicalId, JsonNode value,
            Map<String, String> parameters) {
        String authorizer;
        if (value.isMissingNode() || value.isNull()) {
            authorizer = "";
        } else if (value.isTextual()) {
            authorizer = value.asText();
        } else if (value.path("Ref").isTextual()
                && template.root().path("Parameters").has(value.path("Ref").asText())) {
            String parameter = value.path("Ref").asText();
            authorizer = parameters.containsKey(parameter) ? parameters.get(parameter)
                    : template.root().path("Parameters").path(parameter).path("Default").asText("");
        } else {
            throw new IllegalArgumentException(logicalId + ": Auth.DefaultAuthorizer must be a literal or a"
                    + " parameter's Ref");
        }
        if (!authorizer.isEmpty() && !authorizer.equals("AWS_IAM")) {
            throw new IllegalArgumentException(logicalId + ": the local API knows AWS_IAM as a default"
                    + " authorizer, not " + authorizer);
        }
        return authorizer;
    }
}
