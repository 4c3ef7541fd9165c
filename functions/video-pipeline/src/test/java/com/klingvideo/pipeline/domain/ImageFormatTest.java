package com.klingvideo.pipeline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageFormatTest {
    @Test
    void ofKey_should_findTheFormatInAnyCase_when_theKeyEndsWithOneOfItsSuffixes() {
        assertThat(ImageFormat.ofKey("inputs/a.jpg")).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.ofKey("inputs/a.Jpeg")).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.ofKey("inputs/a.PNG")).contains(ImageFormat.PNG);
    }

    @Test
    void ofKey_should_beEmpty_when_theSuffixIsNoImageFormats() {
        assertThat(ImageFormat.ofKey("inputs/a.json")).isEmpty();
        assertThat(ImageFormat.ofKey("inputs/a.jpg.txt")).isEmpty();
        assertThat(ImageFormat.ofKey("inputs/jpg")).isEmpty();
    }

    @Test
    void allSuffixes_should_listEveryFormatsSuffixesLowerCase() {
        assertThat(ImageFormat.allSuffixes()).containsExactly(".jpg", ".jpeg", ".png");
    }
}
