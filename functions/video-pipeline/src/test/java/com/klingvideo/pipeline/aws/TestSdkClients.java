package com.klingvideo.pipeline.aws;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Real SDK clients wired to a {@link FakeSdkHttpClient}: an unroutable endpoint, fixed credentials and
 * region, and no retries (retrying is the SDK's business; the tests check what the adapters send).
 */
final class TestSdkClients {

    static final Region REGION = Region.EU_WEST_1;
    static final URI ENDPOINT = URI.create("http://127.0.0.1:1");
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "test-secret"));

    private TestSdkClients() {
    }

    static DynamoDbClient dynamoDb(FakeSdkHttpClient http) {
        return configure(DynamoDbClient.builder(), http).build();
    }

    static SfnClient stepFunctions(FakeSdkHttpClient http) {
        return configure(SfnClient.builder(), http).build();
    }

    static SecretsManagerClient secretsManager(FakeSdkHttpClient http) {
        return configure(SecretsManagerClient.builder(), http).build();
    }

    static S3Client s3(FakeSdkHttpClient http) {
        return configure(S3Client.builder(), http).forcePathStyle(true).build();
    }

    static S3Presigner presigner() {
        return S3Presigner.builder()
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(ENDPOINT)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, FakeSdkHttpClient http) {
        return builder.httpClient(http)
                .endpointOverride(ENDPOINT)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }
}
