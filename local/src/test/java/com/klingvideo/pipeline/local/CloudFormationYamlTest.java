package com.klingvideo.pipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudFormationYamlTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void read_should_turn_short_form_tags_into_long_form_intrinsics() throws IOException {
        // GIVEN a template fragment using short-form tags on scalars, sequences and nested values
        Path file = write("""
                Name: !Ref InputPrefix
                Arn: !GetAtt JobsTable.Arn
                Nested: !GetAtt Api.RootResource.Id
                Url: !Sub https://${JobsApi}.example/v1
                Bucket: !Join ['-', [media, !Select [2, !Split ['/', !Ref AWS::StackId]]]]
                Maybe: !If [HasEmail, [!Ref Topic], !Ref AWS::NoValue]
                Plain: '5'
                Number: 5
                Flag: true
                """);

        // WHEN it is read
        JsonNode template = CloudFormationYaml.read(file);

        // THEN the tags become the JSON form CloudFormation uses, and untagged values stay as they are
        assertThat(template).isEqualTo(JSON.readTree("""
                {"Name": {"Ref": "InputPrefix"},
                 "Arn": {"Fn::GetAtt": ["JobsTable", "Arn"]},
                 "Nested": {"Fn::GetAtt": ["Api", "RootResource.Id"]},
                 "Url": {"Fn::Sub": "https://${JobsApi}.example/v1"},
                 "Bucket": {"Fn::Join": ["-", ["media",
                     {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}]]},
                 "Maybe": {"Fn::If": ["HasEmail", [{"Ref": "Topic"}], {"Ref": "AWS::NoValue"}]},
                 "Plain": "5",
                 "Number": 5,
                 "Flag": true}
                """));
    }

    @Test
    void read_should_reject_a_repeated_key() throws IOException {
        Path file = write("""
                Resources:
                  Bucket: {Type: AWS::S3::Bucket}
                  Bucket: {Type: AWS::SQS::Queue}
                """);

        assertThatThrownBy(() -> CloudFormationYaml.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate key 'Bucket'");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
