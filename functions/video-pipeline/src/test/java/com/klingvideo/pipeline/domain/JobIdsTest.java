package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobIdsTest {

    @Test
    void forObject_should_beStable_when_sameObjectVersion() {
        // GIVEN the same object identity twice  WHEN ids are derived  THEN they are equal
        assertThat(JobIds.forObject("b", "inputs/a.jpg", "v1", "\"e\""))
                .isEqualTo(JobIds.forObject("b", "inputs/a.jpg", "v1", "\"other-etag\""));
    }

    @Test
    void forObject_should_differ_when_versionOrKeyOrBucketDiffers() {
        String base = JobIds.forObject("b", "inputs/a.jpg", "v1", "e");
        assertThat(JobIds.forObject("b", "inputs/a.jpg", "v2", "e")).isNotEqualTo(base);
        assertThat(JobIds.forObject("b", "inputs/b.jpg", "v1", "e")).isNotEqualTo(base);
        assertThat(JobIds.forObject("c", "inputs/a.jpg", "v1", "e")).isNotEqualTo(base);
    }

    @Test
    void forObject_should_useETag_when_bucketUnversioned() {
        // GIVEN no version id (S3 sends "null" for unversioned buckets in some events)
        String quoted = JobIds.forObject("b", "k.jpg", null, "\"abc\"");
        // THEN quotes do not matter, content does
        assertThat(JobIds.forObject("b", "k.jpg", "null", "abc")).isEqualTo(quoted);
        assertThat(JobIds.forObject("b", "k.jpg", null, "abd")).isNotEqualTo(quoted);
    }

    @Test
    void ids_should_beValidExecutionNames() {
        // Step Functions execution names: 1-80 characters of letters, digits, - and _
        assertThat(JobIds.forObject("b", "k", null, "e")).matches("[a-z0-9-]{1,80}").hasSize(34);
        assertThat(JobIds.forIdempotencyKey("key-1", "order-42")).matches("[a-z0-9-]{1,80}");
        assertThat(JobIds.random()).isNotEqualTo(JobIds.random());
    }

    @Test
    void forIdempotencyKey_should_beScopedToCaller() {
        assertThat(JobIds.forIdempotencyKey("caller-a", "k")).isNotEqualTo(JobIds.forIdempotencyKey("caller-b", "k"));
        assertThat(JobIds.forIdempotencyKey("caller-a", "k")).isEqualTo(JobIds.forIdempotencyKey("caller-a", "k"));
    }
}
