package com.klingvideo.pipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.regions.Region;

class AwsClientsTest {

    @Test
    void fromEnvironment_should_fail_when_regionIsNotSet() {
        // WHEN / THEN the region is never guessed
        assertThatThrownBy(() -> AwsClients.fromEnvironment(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AWS_REGION");
    }

    @Test
    void fromEnvironment_should_configureRegionAndLambdaCredentials_when_regionIsSet() {
        // GIVEN a Lambda-like environment
        try (AwsClients clients = AwsClients.fromEnvironment(Map.of("AWS_REGION", "eu-central-1"))) {

            // WHEN / THEN every client uses that region and the environment's credentials
            assertThat(clients.dynamoDb().serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
            assertThat(clients.s3().serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
            assertThat(clients.stepFunctions().serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
            assertThat(clients.secretsManager().serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
            assertThat(clients.dynamoDb().serviceClientConfiguration().credentialsProvider())
                    .isInstanceOf(EnvironmentCredentials.class);
        }
    }

    @Test
    void clients_should_beBuiltOnce_when_askedRepeatedly() {
        // GIVEN
        try (AwsClients clients = new AwsClients(Map.of("AWS_REGION", "eu-west-1"), TestSdkClients.CREDENTIALS)) {

            // WHEN / THEN
            assertThat(clients.s3()).isSameAs(clients.s3());
            assertThat(clients.s3Presigner()).isSameAs(clients.s3Presigner());
            assertThat(clients.dynamoDb()).isSameAs(clients.dynamoDb());
            assertThat(clients.stepFunctions()).isSameAs(clients.stepFunctions());
            assertThat(clients.secretsManager()).isSameAs(clients.secretsManager());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"})
    void s3_should_usePathStyle_when_anEndpointOverrideIsConfigured(String variable) {
        // GIVEN an environment that points S3 at an emulator
        Map<String, String> environment = Map.of("AWS_REGION", "eu-west-1", variable, "http://localhost:5000");
        try (AwsClients clients = new AwsClients(environment, TestSdkClients.CREDENTIALS)) {

            // WHEN an object URL is derived and presigned
            URL url = clients.s3().utilities().getUrl(r -> r.bucket("media-bucket").key("outputs/v.mp4"));
            URL presigned = presign(clients);

            // THEN the bucket is in the path, not in the host name
            assertThat(url.getPath()).isEqualTo("/media-bucket/outputs/v.mp4");
            assertThat(presigned.getPath()).isEqualTo("/media-bucket/outputs/v.mp4");
        }
    }

    @Test
    void s3_should_useVirtualHostedStyle_when_noEndpointOverride() {
        // GIVEN the real AWS endpoints (this JVM's own environment must not override them)
        assumeTrue(System.getenv("AWS_ENDPOINT_URL") == null && System.getenv("AWS_ENDPOINT_URL_S3") == null);
        try (AwsClients clients = new AwsClients(Map.of("AWS_REGION", "eu-west-1"), TestSdkClients.CREDENTIALS)) {

            // WHEN
            URL url = clients.s3().utilities().getUrl(r -> r.bucket("media-bucket").key("outputs/v.mp4"));
            URL presigned = presign(clients);

            // THEN the bucket is in the host name, as AWS recommends
            assertThat(url.getHost()).isEqualTo("media-bucket.s3.eu-west-1.amazonaws.com");
            assertThat(presigned.getHost()).isEqualTo("media-bucket.s3.eu-west-1.amazonaws.com");
            assertThat(presigned.getPath()).isEqualTo("/outputs/v.mp4");
        }
    }

    private static URL presign(AwsClients clients) {
        return clients.s3Presigner().presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .getObjectRequest(r -> r.bucket("media-bucket").key("outputs/v.mp4"))).url();
    }

    @Test
    void clients_should_useTheEnvironmentsEndpoints_when_overridesGiven() {
        // GIVEN one endpoint for everything and a specific one for DynamoDB, in the map (not the process)
        Map<String, String> environment = Map.of("AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000");
        try (AwsClients clients = new AwsClients(environment, TestSdkClients.CREDENTIALS)) {
            // THEN each client goes where the map says
            assertThat(clients.dynamoDb().serviceClientConfiguration().endpointOverride())
                    .contains(java.net.URI.create("http://127.0.0.1:8000"));
            assertThat(clients.stepFunctions().serviceClientConfiguration().endpointOverride())
                    .contains(java.net.URI.create("http://127.0.0.1:4566"));
            assertThat(clients.secretsManager().serviceClientConfiguration().endpointOverride())
                    .contains(java.net.URI.create("http://127.0.0.1:4566"));
        }
    }

    @Test
    void credentials_should_comeFromTheMap_when_keysGiven() {
        EnvironmentCredentials credentials = new EnvironmentCredentials(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_SESSION_TOKEN", "token"));
        assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("AKIDEXAMPLE");
        assertThat(credentials.resolveCredentials())
                .isInstanceOf(software.amazon.awssdk.auth.credentials.AwsSessionCredentials.class);
    }

    @Test
    void credentials_should_failClearly_when_noneGiven() {
        assertThatThrownBy(() -> new EnvironmentCredentials(Map.of()).resolveCredentials())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    }
}
