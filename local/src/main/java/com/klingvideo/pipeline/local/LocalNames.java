package com.klingvideo.pipeline.local;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What CloudFormation would call each resource of the template in the local "account": the values of
 * Ref and Fn::GetAtt. Functions keep their logical id as their name, so logs and the Lambda host read
 * like the template.
 */
final class LocalNames {
    static final String REGION = "us-east-1";
    /** moto's default account. */
    static final String ACCOUNT = "123456789012";
    static final String STACK_NAME = "kling-video-pipeline-local";
    /** Fixed, so the local bucket's name (derived from it by the template) is the same on every run. */
    static final String STACK_UUID = "10ca1000-0000-4000-8000-000000000000";
    static final String STACK_ID = "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":stack/" + STACK_NAME + "/"
            + STACK_UUID;

    private final SamTemplate template;
    private Intrinsics intrinsics;

    LocalNames(SamTemplate template) {
        this.template = template;
    }

    void bind(Intrinsics intrinsics) {
        this.intrinsics = intrinsics;
    }

    /** Ref (attribute null), SAM's Function.Alias, or Fn::GetAtt of a resource; null when unknown. */
    String resolve(String logicalId, String attribute) {
        JsonNode resource = template.root().path("Resources").get(logicalId);
        if (resource == null) {
            return null;
        }
        String type = resource.path("Type").asText();
        return switch (type) {
            case "AWS::DynamoDB::Table" -> attribute == null ? STACK_NAME + "-" + logicalId
                    : "Arn".equals(attribute) ? "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + STACK_NAME + "-"
                            + logicalId : null;
            case "AWS::S3::Bucket" -> {
                String name = intrinsics.string(resource.path("Properties").path("BucketName"));
                yield attribute == null ? name : "Arn".equals(attribute) ? "arn:aws:s3:::" + name : null;
            }
            case "AWS::Serverless::StateMachine" -> {
                JsonNode given = resource.path("Properties").path("Name");
                String name = given.isMissingNode() ? STACK_NAME + "-" + logicalId : intrinsics.string(given);
                yield attribute == null || "Arn".equals(attribute)
                        ? "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:" + name
                        : "Name".equals(attribute) ? name : null;
            }
            case SamTemplate.FUNCTION -> {
                String arn = "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + logicalId;
                yield attribute == null ? logicalId
                        : "Arn".equals(attribute) ? arn
                        : "Alias".equals(attribute) ? arn + ":" + alias() : null;
            }
            case "AWS::SQS::Queue" -> attribute == null
                    ? "http://sqs." + REGION + ".localhost/" + ACCOUNT + "/" + STACK_NAME + "-" + logicalId
                    : "Arn".equals(attribute) ? "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + STACK_NAME + "-" + logicalId
                    : "QueueName".equals(attribute) ? STACK_NAME + "-" + logicalId : null;
            case "AWS::Logs::LogGroup" -> attribute == null
                    ? intrinsics.string(resource.path("Properties").path("LogGroupName")) : null;
            case "AWS::Serverless::Api" -> attribute == null ? "local" + logicalId.toLowerCase() : null;
            default -> null;
        };
    }

    /** The alias SAM publishes every function under ({@code AutoPublishAlias}). */
    String alias() {
        JsonNode alias = template.globalFunction().path("AutoPublishAlias");
        return alias.isMissingNode() ? "live" : alias.asText();
    }
}
