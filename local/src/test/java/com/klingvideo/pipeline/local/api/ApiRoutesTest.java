package com.klingvideo.pipeline.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.local.RepositoryLayout;
import com.klingvideo.pipeline.local.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiRoutesTest {
    @TempDir
    Path dir;

    @Test
    void fromTemplate_should_give_the_jobs_routes_of_the_real_template() {
        SamTemplate template = SamTemplate.read(RepositoryLayout.locate().template());

        assertThat(ApiRoutes.fromTemplate(template)).containsExactly(
                new ApiRoute("POST", "/jobs", "JobsApiFunction"),
                new ApiRoute("GET", "/jobs/{jobId}", "JobsApiFunction"),
                new ApiRoute("GET", "/jobs", "JobsApiFunction"),
                new ApiRoute("GET", "/capacity", "JobsApiFunction"),
                new ApiRoute("POST", "/admin/intake/pause", "JobsApiFunction", false, true),
                new ApiRoute("POST", "/admin/intake/resume", "JobsApiFunction", false, true));
    }

    @Test
    void restApi_should_read_stage_key_requirement_and_gateway_responses_of_the_real_template() {
        // GIVEN the real template's JobsApi
        RestApi api = RestApi.fromTemplate(SamTemplate.read(RepositoryLayout.locate().template()));

        // THEN it is served under /v1, methods need a key unless they say otherwise, and its own errors
        // use the handlers' shape
        assertThat(api.stageName()).isEqualTo("v1");
        assertThat(api.apiKeyRequired()).isTrue();
        assertThat(api.routes()).hasSize(6);
        assertThat(api.gatewayResponses().render(GatewayError.INVALID_API_KEY, "r-1").body())
                .isEqualTo("{\"error\":{\"code\":\"INVALID_API_KEY\",\"message\":\"Forbidden\"}}");
    }

    @Test
    void fromTemplate_should_keep_only_the_routes_of_the_named_api_and_put_unnamed_ones_on_the_implicit_api()
            throws IOException {
        // GIVEN two functions: one on an explicit API, one on SAM's implicit API with method any
        SamTemplate template = write("""
                Resources:
                  Api:
                    Type: AWS::Serverless::Api
                    Properties: {StageName: prod}
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Events:
                        Upload: {Type: S3, Properties: {Bucket: !Ref B}}
                        GetOrder: {Type: Api, Properties: {RestApiId: !Ref Api, Path: '/orders/{id}', Method: get}}
                  ProxyFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Events:
                        Everything: {Type: Api, Properties: {Path: '/{proxy+}', Method: any}}
                """);

        // THEN each API has its own routes, S3 events are not routes, and methods are upper case
        assertThat(ApiRoutes.fromTemplate(template, "Api"))
                .containsExactly(new ApiRoute("GET", "/orders/{id}", "OrdersFunction"));
        assertThat(ApiRoutes.fromTemplate(template, ApiRoutes.IMPLICIT_API))
                .containsExactly(new ApiRoute("ANY", "/{proxy+}", "ProxyFunction"));
        RestApi api = RestApi.fromTemplate(template);
        assertThat(api.stageName()).isEqualTo("prod");
        assertThat(api.apiKeyRequired()).isFalse();
        assertThat(api.gatewayResponses().render(GatewayError.INVALID_API_KEY, "r-1").body())
                .isEqualTo("{\"message\":\"Forbidden\"}");
    }

    @Test
    void restApi_should_signTheJobsRoutesWithIam_when_theStackChoosesIamAuthorization() {
        SamTemplate template = SamTemplate.read(RepositoryLayout.locate().template());
        // GIVEN the default deployment THEN the jobs routes take the API key alone
        RestApi byKey = RestApi.fromTemplate(template, Map.of());
        assertThat(byKey.iamByDefault()).isFalse();
        // GIVEN JobsApiAuthorizer=AWS_IAM THEN every route needs a signature, and the key still meters it
        RestApi byIam = RestApi.fromTemplate(template, Map.of("JobsApiAuthorizer", "AWS_IAM"));
        assertThat(byIam.iamByDefault()).isTrue();
        assertThat(byIam.apiKeyRequired()).isTrue();
        assertThat(byIam.routes()).allSatisfy(route -> assertThat(route.needsIam(byIam.iamByDefault())).isTrue());
        assertThat(byIam.routes()).filteredOn(route -> route.path().startsWith("/admin/"))
                .allSatisfy(route -> assertThat(route.needsApiKey(byIam.apiKeyRequired())).isFalse());
    }

    @Test
    void restApi_should_refuse_a_stage_name_that_is_not_a_literal() throws IOException {
        SamTemplate template = write("""
                Resources:
                  Api:
                    Type: AWS::Serverless::Api
                    Properties: {StageName: !Ref Stage}
                """);

        assertThatThrownBy(() -> RestApi.fromTemplate(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StageName must be a literal string");
    }

    private SamTemplate write(String yaml) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, yaml);
        return SamTemplate.read(file);
    }
}
