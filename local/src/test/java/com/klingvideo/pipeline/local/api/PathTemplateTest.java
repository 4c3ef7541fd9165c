package com.klingvideo.pipeline.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PathTemplateTest {
    @Test
    void match_should_decode_path_parameters_but_keep_a_plus_sign() {
        assertThat(new PathTemplate("/jobs/{jobId}").match("/jobs/u-1%20a+b")).isEqualTo(Map.of("jobId", "u-1 a+b"));
    }

    @Test
    void match_should_refuse_paths_with_more_fewer_or_different_segments() {
        PathTemplate template = new PathTemplate("/jobs/{jobId}");

        assertThat(template.match("/jobs")).isNull();
        assertThat(template.match("/jobs/u-1/video")).isNull();
        assertThat(template.match("/tasks/u-1")).isNull();
        assertThat(template.match("/jobs/")).isNull();
    }

    @Test
    void match_should_give_a_greedy_parameter_the_rest_of_the_path() {
        PathTemplate template = new PathTemplate("/files/{proxy+}");

        assertThat(template.match("/files/a/b/c.txt")).isEqualTo(Map.of("proxy", "a/b/c.txt"));
        assertThat(template.match("/files")).isNull();
    }

    @Test
    void match_should_match_the_root_and_ignore_a_trailing_slash() {
        assertThat(new PathTemplate("/").match("/")).isEmpty();
        assertThat(new PathTemplate("/jobs").match("/jobs/")).isEmpty();
    }

    @Test
    void compareSpecificity_should_rank_literal_before_parameter_before_greedy() {
        List<String> ranked = Stream.of("/{proxy+}", "/jobs/{jobId}", "/jobs/latest")
                .map(PathTemplate::new)
                .sorted(PathTemplate::compareSpecificity)
                .map(PathTemplate::path)
                .toList();

        assertThat(ranked).containsExactly("/jobs/latest", "/jobs/{jobId}", "/{proxy+}");
    }

    @Test
    void constructor_should_refuse_a_greedy_parameter_before_the_end() {
        assertThatThrownBy(() -> new PathTemplate("/{proxy+}/more")).isInstanceOf(IllegalArgumentException.class);
    }
}
