package com.klingvideo.pipeline.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The SDK clients of one function container, each built on first use and then reused, all sharing
 * one url-connection HTTP client, the region from {@code AWS_REGION} and the credentials Lambda hands
 * over (see {@link EnvironmentCredentials}). Settings are explicit so that no client probes profiles
 * or instance metadata at cold start.
 *
 * <p>Everything comes from the environment map given, not from the process: the SDK's standard
 * {@code AWS_ENDPOINT_URL_<SERVICE>} and {@code AWS_ENDPOINT_URL} settings are applied from it, so
 * several functions with different settings can share one JVM (the local stack does). An endpoint
 * override (a local emulator) also switches S3 to path-style addressing.
 */
public final class AwsClients implements AutoCloseable {

    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final boolean s3PathStyle;
    private final Map<String, String> environment;
    private final SdkHttpClient http;
    private final List<AutoCloseable> built = new ArrayList<>();

    private S3Client s3;
    private S3Presigner s3Presigner;
    private DynamoDbClient dynamoDb;
    private SfnClient stepFunctions;
    private SecretsManagerClient secretsManager;

    /**
     * @param environment the process environment ({@code System.getenv()} in Lambda)
     * @throws IllegalStateException when {@code AWS_REGION} is not set
     */
    public static AwsClients fromEnvironment(Map<String, String> environment) {
        return new AwsClients(environment, new EnvironmentCredentials(Map.copyOf(environment)));
    }

    AwsClients(Map<String, String> environment, AwsCredentialsProvider credentials) {
        String regionName = environment.get("AWS_REGION");
        if (regionName == null || regionName.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set");
        }
        this.region = Region.of(regionName);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.environment = Map.copyOf(environment);
        this.s3PathStyle = isSet(environment, "AWS_ENDPOINT_URL") || isSet(environment, "AWS_ENDPOINT_URL_S3");
        this.http = UrlConnectionHttpClient.builder().build();
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = remember(S3Client.builder()
                    .endpointOverride(endpoint("S3"))
                    .httpClient(http)
                    .region(region)
                    .credentialsProvider(credentials)
                    .forcePathStyle(s3PathStyle)
                    .build());
        }
        return s3;
    }

    /** Signs with the same region, credentials, endpoint and addressing style as {@link #s3()}. */
    public synchronized S3Presigner s3Presigner() {
        if (s3Presigner == null) {
            s3Presigner = remember(S3Presigner.builder()
                    .endpointOverride(endpoint("S3"))
                    .region(region)
                    .credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(s3PathStyle).build())
                    .build());
        }
        return s3Presigner;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = remember(DynamoDbClient.builder()
                    .endpointOverride(endpoint("DYNAMODB"))
                    .httpClient(http)
                    .region(region)
                    .credentialsProvider(credentials)
                    .build());
        }
        return dynamoDb;
    }

    public synchronized SfnClient stepFunctions() {
        if (stepFunctions == null) {
            stepFunctions = remember(SfnClient.builder()
                    .endpointOverride(endpoint("SFN"))
                    .httpClient(http)
                    .region(region)
                    .credentialsProvider(credentials)
                    .build());
        }
        return stepFunctions;
    }

    public synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            secretsManager = remember(SecretsManagerClient.builder()
                    .endpointOverride(endpoint("SECRETS_MANAGER"))
                    .httpClient(http)
                    .region(region)
                    .credentialsProvider(credentials)
                    .build());
        }
        return secretsManager;
    }

    /** Closes the clients built so far and the shared HTTP client (the SDK leaves a given one open). */
    @Override
    public synchronized void close() {
        for (AutoCloseable client : built) {
            try {
                client.close();
            } catch (Exception e) {
                // Closing is best effort: the container is going away.
            }
        }
        built.clear();
        http.close();
    }

    private <T extends AutoCloseable> T remember(T client) {
        built.add(client);
        return client;
    }

    /** {@code AWS_ENDPOINT_URL_<SERVICE>}, else {@code AWS_ENDPOINT_URL}, else null (the service's own endpoint). */
    private URI endpoint(String serviceId) {
        String specific = environment.get("AWS_ENDPOINT_URL_" + serviceId);
        String value = specific != null && !specific.isBlank() ? specific : environment.get("AWS_ENDPOINT_URL");
        return value == null || value.isBlank() ? null : URI.create(value.trim());
    }

    private static boolean isSet(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value != null && !value.isBlank();
    }
}
