package com.klingvideo.pipeline.kling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.klingvideo.pipeline.domain.VideoRequest;
import com.klingvideo.pipeline.model.GenerationParameters;
import org.junit.jupiter.api.Test;

class KlingRequestMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void createBody_should_sendOnlyRequiredFields_when_optionalOnesAreUnset() throws Exception {
        // GIVEN a request without tail, negative prompt, cfg scale or aspect ratio
        VideoRequest request = new VideoRequest("job-123", "https://example.com/in.png", null,
                new GenerationParameters("kling-v2-1", "std", "5", "a cat turns its head", "", null, null));

        // WHEN
        JsonNode body = JSON.readTree(KlingRequestMapper.createBody(request));

        // THEN exactly these fields are sent, duration as a string, model under both names
        assertThat(body).isEqualTo(JSON.readTree("""
                {"model_name":"kling-v2-1","model":"kling-v2-1","image":"https://example.com/in.png",
                 "prompt":"a cat turns its head","mode":"std","duration":"5","external_task_id":"job-123"}"""));
        assertThat(body.get("duration").isTextual()).isTrue();
    }

    @Test
    void createBody_should_sendOptionalFields_when_set() throws Exception {
        // GIVEN a request with every optional field
        VideoRequest request = new VideoRequest("job-9", "aGVsbG8=", "d29ybGQ=",
                new GenerationParameters("kling-v1-6", "pro", "10", "waves", "blur, text", 0.7, "9:16"));

        // WHEN
        JsonNode body = JSON.readTree(KlingRequestMapper.createBody(request));

        // THEN they are all there, cfg_scale as a number and duration as a string
        assertThat(body).isEqualTo(JSON.readTree("""
                {"model_name":"kling-v1-6","model":"kling-v1-6","image":"aGVsbG8=","image_tail":"d29ybGQ=",
                 "prompt":"waves","negative_prompt":"blur, text","cfg_scale":0.7,"mode":"pro","duration":"10",
                 "aspect_ratio":"9:16","external_task_id":"job-9"}"""));
        assertThat(body.get("cfg_scale").isNumber()).isTrue();
        assertThat(body.get("duration").isTextual()).isTrue();
    }

    @Test
    void createBody_should_passTheImageThroughUntouched_when_itLooksLikeADataUrl() throws Exception {
        // GIVEN an image the caller failed to strip (stripping is the caller's job, not the adapter's)
        VideoRequest request = new VideoRequest("job-1", "data:image/png;base64,aGVsbG8=", null,
                new GenerationParameters("kling-v1", "std", "5", "p", "", null, null));

        // WHEN
        JsonNode body = JSON.readTree(KlingRequestMapper.createBody(request));

        // THEN it is sent as given
        assertThat(body.get("image").asText()).isEqualTo("data:image/png;base64,aGVsbG8=");
    }
}
