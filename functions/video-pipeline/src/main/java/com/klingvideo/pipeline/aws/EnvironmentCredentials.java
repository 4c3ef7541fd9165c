package com.klingvideo.pipeline.aws;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

/**
 * The function's credentials, from the given environment, resolved on every use (they are never
 * cached past what the SDK caches, and never read at class initialisation).
 *
 * <p>Lambda hands credentials over in two ways: with SnapStart, through the container credentials
 * endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and its token), because keys in the environment
 * would be frozen into the snapshot; without it, as {@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN}. Both are honoured, in that order, and
 * nothing else is probed (no profiles, no instance metadata), so a cold start does no guessing.
 */
final class EnvironmentCredentials implements AwsCredentialsProvider {
    private final Map<String, String> environment;
    private volatile ContainerCredentialsProvider container;

    EnvironmentCredentials(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        if (isSet("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            ContainerCredentialsProvider provider = container;
            if (provider == null) {
                provider = ContainerCredentialsProvider.builder().build();
                container = provider;
            }
            return provider.resolveCredentials();
        }
        String accessKey = environment.get("AWS_ACCESS_KEY_ID");
        String secretKey = environment.get("AWS_SECRET_ACCESS_KEY");
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalStateException("no AWS credentials: neither AWS_CONTAINER_CREDENTIALS_FULL_URI nor "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set");
        }
        String token = environment.get("AWS_SESSION_TOKEN");
        return token == null || token.isBlank()
                ? AwsBasicCredentials.create(accessKey, secretKey)
                : AwsSessionCredentials.create(accessKey, secretKey, token);
    }

    private boolean isSet(String name) {
        String value = environment.get(name);
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "EnvironmentCredentials";
    }
}
