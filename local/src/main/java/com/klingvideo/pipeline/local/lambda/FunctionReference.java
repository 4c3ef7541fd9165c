package com.klingvideo.pipeline.local.lambda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function as an Invoke request names it: {@code name}, {@code name:qualifier},
 * {@code 123456789012:function:name}, or the full ARN, each with an optional qualifier (a version or
 * an alias). Region and account are kept only to echo them in messages: the host has one of each.
 */
record FunctionReference(String region, String account, String name, String qualifier) {
    static final String DEFAULT_REGION = "us-east-1";
    static final String DEFAULT_ACCOUNT = "123456789012";

    /** The FunctionName pattern from Lambda's API reference. */
    private static final Pattern FUNCTION_NAME = Pattern.compile(
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?(?<region>[a-z]{2}(-gov)?-[a-z]+-\\d:)?(?<account>\\d{12}:)?"
                    + "(function:)?(?<name>[a-zA-Z0-9_.-]+)(:(?<qualifier>\\$LATEST|[a-zA-Z0-9_-]+))?");

    /**
     * @param functionName   the FunctionName path parameter, already URL-decoded
     * @param queryQualifier the {@code Qualifier} query parameter, or null
     * @throws InvocationRejectedException when the name does not fit Lambda's pattern, or names a
     *                                     different qualifier than the query parameter
     */
    static FunctionReference parse(String functionName, String queryQualifier) {
        Matcher m = FUNCTION_NAME.matcher(functionName == null ? "" : functionName);
        if (!m.matches()) {
            throw new InvocationRejectedException(400, "ValidationException",
                    "1 validation error detected: Value '" + functionName + "' at 'functionName' failed to satisfy "
                            + "constraint: Member must satisfy regular expression pattern: " + FUNCTION_NAME.pattern());
        }
        String qualifier = m.group("qualifier");
        if (queryQualifier != null && !queryQualifier.isEmpty()) {
            if (qualifier != null && !qualifier.equals(queryQualifier)) {
                throw new InvocationRejectedException(400, "InvalidParameterValueException",
                        "The derived qualifier from the function name does not match the specified qualifier.");
            }
            qualifier = queryQualifier;
        }
        return new FunctionReference(strip(m.group("region"), DEFAULT_REGION), strip(m.group("account"), DEFAULT_ACCOUNT),
                m.group("name"), qualifier);
    }

    /** The unqualified function ARN. */
    String arn() {
        return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
    }

    /** The ARN as invoked: with the qualifier when there is one. */
    String invokedArn() {
        return qualifier == null ? arn() : arn() + ":" + qualifier;
    }

    /**
     * The version that runs. The host has one version of each function, so an alias (such as
     * {@code live}, which SAM's AutoPublishAlias points at the newest published version) runs it as
     * {@code $LATEST}; a version number is reported back as asked.
     */
    String executedVersion() {
        return qualifier != null && qualifier.chars().allMatch(Character::isDigit) ? qualifier : "$LATEST";
    }

    private static String strip(String withColon, String fallback) {
        return withColon == null ? fallback : withColon.substring(0, withColon.length() - 1);
    }
}
