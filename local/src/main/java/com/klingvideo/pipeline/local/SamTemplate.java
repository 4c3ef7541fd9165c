package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The SAM template as data: resources by logical id, and function properties as Globals make them. */
public final class SamTemplate {
    public static final String FUNCTION = "AWS::Serverless::Function";

    private final JsonNode root;

    private SamTemplate(JsonNode root) {
        this.root = root;
    }

    public static SamTemplate read(Path file) {
        return new SamTemplate(CloudFormationYaml.read(file));
    }

    public JsonNode root() {
        return root;
    }

    /** The resource's {@code Properties}; fails when the resource does not exist. */
    public JsonNode properties(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalArgumentException("template has no resource " + logicalId);
        }
        return resource.path("Properties");
    }

    public String type(String logicalId) {
        return root.path("Resources").path(logicalId).path("Type").asText();
    }

    /** Logical ids of the resources of one type, in template order. */
    public List<String> resourcesOfType(String type) {
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : root.path("Resources").properties()) {
            if (type.equals(resource.getValue().path("Type").asText())) {
                ids.add(resource.getKey());
            }
        }
        return ids;
    }

    /**
     * A function property as deployed: the function's own value, else the one from
     * {@code Globals.Function}. (Maps such as Environment are merged by SAM; ask for them separately.)
     */
    public JsonNode functionProperty(String logicalId, String property) {
        JsonNode own = properties(logicalId).path(property);
        return own.isMissingNode() ? globalFunction().path(property) : own;
    }

    public JsonNode globalFunction() {
        JsonNode globals = root.path("Globals").path("Function");
        return globals.isMissingNode() ? MissingNode.getInstance() : globals;
    }
}
