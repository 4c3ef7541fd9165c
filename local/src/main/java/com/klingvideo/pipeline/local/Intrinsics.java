package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the CloudFormation intrinsic functions the template uses (Ref, Fn::Sub, Fn::GetAtt,
 * Fn::Join, Fn::Select, Fn::Split, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or) against local values,
 * so the local stack takes names, environment variables and filters from {@code template.yaml} itself
 * rather than from a second copy. Anything it cannot resolve is an error naming the expression: a
 * template change the local stack does not understand should fail loudly, not run with a guess.
 */
public final class Intrinsics {
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final JsonNode template;
    private final Map<String, String> parameters;
    private final Map<String, String> pseudo;
    private final BiFunction<String, String, String> resources;

    /**
     * @param parameters parameter values (defaults already applied)
     * @param pseudo     AWS::Region, AWS::AccountId, AWS::StackName, AWS::StackId, AWS::Partition, ...
     * @param resources  resolves (logicalId, attribute) to a value: attribute {@code null} for Ref,
     *                   {@code Alias} for SAM's {@code Function.Alias}, else the GetAtt attribute; null when unknown
     */
    public Intrinsics(JsonNode template, Map<String, String> parameters, Map<String, String> pseudo,
            BiFunction<String, String, String> resources) {
        this.template = template;
        this.parameters = Map.copyOf(parameters);
        this.pseudo = Map.copyOf(pseudo);
        this.resources = resources;
    }

    /** The parameter values a stack gets: the template's defaults, then the given overrides. */
    public static Map<String, String> parameterValues(JsonNode template, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, JsonNode> p : template.path("Parameters").properties()) {
            JsonNode def = p.getValue().get("Default");
            if (def != null && !def.isNull()) {
                values.put(p.getKey(), def.asText());
            }
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!template.path("Parameters").has(o.getKey())) {
                throw new IllegalArgumentException("template has no parameter " + o.getKey());
            }
            values.put(o.getKey(), o.getValue());
        }
        for (Map.Entry<String, JsonNode> p : template.path("Parameters").properties()) {
            if (!values.containsKey(p.getKey())) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " has no default and no value");
            }
        }
        return values;
    }

    /** The value as a string. */
    public String string(JsonNode node) {
        Object value = evaluate(node);
        if (value instanceof List<?>) {
            throw new IllegalArgumentException("expected a string, got a list: " + node);
        }
        return String.valueOf(value);
    }

    /** A map of strings, for example a function's environment variables. */
    public Map<String, String> strings(JsonNode mapping) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : mapping.properties()) {
            out.put(entry.getKey(), string(entry.getValue()));
        }
        return out;
    }

    /**
     * A property that is an object or a list (a bucket's lifecycle rules, a table's time to live) with
     * every intrinsic function in it evaluated: an {@code Fn::If} branch may itself be an object, and
     * {@code !Ref AWS::NoValue} removes the list item or property it stands for (it resolves to a
     * missing node on its own).
     */
    public JsonNode resolve(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> {
                JsonNode value = resolve(item);
                if (!value.isMissingNode()) {
                    out.add(value);
                }
            });
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            Map.Entry<String, JsonNode> fn = node.properties().iterator().next();
            if (fn.getKey().equals("Ref") && fn.getValue().asText().equals("AWS::NoValue")) {
                return MissingNode.getInstance();
            }
            if (fn.getKey().equals("Fn::If")) {
                JsonNode arg = fn.getValue();
                return resolve(condition(arg.get(0).asText()) ? arg.get(1) : arg.get(2));
            }
            if (fn.getKey().equals("Ref") || fn.getKey().startsWith("Fn::")) {
                return json(evaluate(node));
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        node.properties().forEach(property -> {
            JsonNode value = resolve(property.getValue());
            if (!value.isMissingNode()) {
                out.set(property.getKey(), value);
            }
        });
        return out;
    }

    private static JsonNode json(Object value) {
        if (value instanceof Boolean b) {
            return JsonNodeFactory.instance.booleanNode(b);
        }
        if (value instanceof List<?> list) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            list.forEach(item -> out.add(json(item)));
            return out;
        }
        return JsonNodeFactory.instance.textNode(String.valueOf(value));
    }

    public boolean condition(String name) {
        JsonNode condition = template.path("Conditions").get(name);
        if (condition == null) {
            throw new IllegalArgumentException("template has no condition " + name);
        }
        return truth(evaluate(condition));
    }

    /** Evaluates a node: a String, Boolean, Number or List of those. */
    public Object evaluate(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isNumber()) {
            return node.asText();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(evaluate(n)));
            return list;
        }
        if (node.isObject() && node.size() == 1) {
            Map.Entry<String, JsonNode> fn = node.properties().iterator().next();
            JsonNode arg = fn.getValue();
            switch (fn.getKey()) {
                case "Ref":
                    return ref(arg.asText());
                case "Fn::Sub":
                    return sub(arg);
                case "Fn::GetAtt":
                    return getAtt(arg.isArray() ? arg.get(0).asText() + "." + arg.get(1).asText() : arg.asText());
                case "Fn::Join":
                    return join(arg);
                case "Fn::Select":
                    return select(arg);
                case "Fn::Split":
                    return List.of((Object[]) string(arg.get(1)).split(Pattern.quote(string(arg.get(0))), -1));
                case "Fn::If":
                    return evaluate(condition(arg.get(0).asText()) ? arg.get(1) : arg.get(2));
                case "Fn::Equals":
                    return String.valueOf(evaluate(arg.get(0))).equals(String.valueOf(evaluate(arg.get(1))));
                case "Fn::Not":
                    return !truth(evaluate(arg.get(0)));
                case "Fn::And": {
                    boolean all = true;
                    for (JsonNode c : arg) {
                        all &= truth(evaluate(c));
                    }
                    return all;
                }
                case "Fn::Or": {
                    boolean any = false;
                    for (JsonNode c : arg) {
                        any |= truth(evaluate(c));
                    }
                    return any;
                }
                case "Condition":
                    return condition(arg.asText());
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("cannot evaluate " + node + " locally");
    }

    private String ref(String name) {
        if (name.startsWith("AWS::")) {
            String value = pseudo.get(name);
            if (value == null) {
                throw new IllegalArgumentException("unknown pseudo parameter " + name);
            }
            return value;
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        int dot = name.indexOf('.');
        String value = dot < 0 ? resources.apply(name, null)
                : resources.apply(name.substring(0, dot), name.substring(dot + 1));
        if (value == null) {
            throw new IllegalArgumentException("cannot resolve Ref " + name + " locally");
        }
        return value;
    }

    private String getAtt(String path) {
        int dot = path.indexOf('.');
        String value = resources.apply(path.substring(0, dot), path.substring(dot + 1));
        if (value == null) {
            throw new IllegalArgumentException("cannot resolve Fn::GetAtt " + path + " locally");
        }
        return value;
    }

    private String sub(JsonNode arg) {
        String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
        Map<String, String> vars = new HashMap<>();
        if (arg.isArray() && arg.size() > 1) {
            vars.putAll(strings(arg.get(1)));
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = vars.containsKey(name) ? vars.get(name)
                    : name.contains(".") && !name.startsWith("AWS::") ? getAtt(name) : ref(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }

    private String join(JsonNode arg) {
        String delimiter = arg.get(0).asText();
        Object items = evaluate(arg.get(1));
        List<String> parts = new ArrayList<>();
        for (Object item : (List<?>) items) {
            parts.add(String.valueOf(item));
        }
        return String.join(delimiter, parts);
    }

    private Object select(JsonNode arg) {
        int index = Integer.parseInt(string(arg.get(0)));
        Object list = evaluate(arg.get(1));
        if (!(list instanceof List<?> items) || index >= items.size()) {
            throw new IllegalArgumentException("Fn::Select index " + index + " out of range in " + arg);
        }
        return items.get(index);
    }

    private static boolean truth(Object value) {
        return value instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(value));
    }
}
