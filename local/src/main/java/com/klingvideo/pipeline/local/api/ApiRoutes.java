package com.klingvideo.pipeline.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.klingvideo.pipeline.local.SamTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the routes of the template's REST APIs from the {@code Api} events of its functions. */
public final class ApiRoutes {
    /** The API SAM creates for {@code Api} events that name no {@code RestApiId}. */
    static final String IMPLICIT_API = "ServerlessRestApi";

    private ApiRoutes() {
    }

    /** Every {@code Api} event of every function, in template order, whichever API it belongs to. */
    public static List<ApiRoute> fromTemplate(SamTemplate template) {
        return read(template, null);
    }

    /** The {@code Api} events whose {@code RestApiId} refers to the given API. */
    public static List<ApiRoute> fromTemplate(SamTemplate template, String restApiLogicalId) {
        return read(template, restApiLogicalId);
    }

    private static List<ApiRoute> read(SamTemplate template, String restApiLogicalId) {
        List<ApiRoute> routes = new ArrayList<>();
        for (String function : template.resourcesOfType(SamTemplate.FUNCTION)) {
            for (Map.Entry<String, JsonNode> event : template.properties(function).path("Events").properties()) {
                if (!"Api".equals(event.getValue().path("Type").asText())) {
                    continue;
                }
                JsonNode properties = event.getValue().path("Properties");
                if (restApiLogicalId != null && !restApiLogicalId.equals(restApiId(properties.path("RestApiId")))) {
                    continue;
                }
                JsonNode auth = properties.path("Auth");
                String authorizer = auth.path("Authorizer").asText("");
                if (!authorizer.isEmpty() && !authorizer.equals("AWS_IAM") && !authorizer.equals("NONE")) {
                    throw new IllegalArgumentException(function + " event " + event.getKey() + ": the local API"
                            + " knows the API key and AWS_IAM authorization, not " + authorizer);
                }
                routes.add(new ApiRoute(text(properties, "Method", function, event.getKey()),
                        text(properties, "Path", function, event.getKey()), function,
                        auth.has("ApiKeyRequired") ? auth.path("ApiKeyRequired").asBoolean() : null,
                        authorizer.isEmpty() ? null : authorizer.equals("AWS_IAM")));
            }
        }
        return routes;
    }

    private static String restApiId(JsonNode restApiId) {
        if (restApiId.isMissingNode() || restApiId.isNull()) {
            return IMPLICIT_API;
        }
        return restApiId.has("Ref") ? restApiId.path("Ref").asText() : restApiId.asText();
    }

    private static String text(JsonNode properties, String name, String function, String event) {
        JsonNode value = properties.path(name);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(function + " event " + event + ": " + name + " must be a literal string");
        }
        return value.asText();
    }
}
