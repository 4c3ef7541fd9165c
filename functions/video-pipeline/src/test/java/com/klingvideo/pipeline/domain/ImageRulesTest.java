package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.InvalidImageException;
import com.klingvideo.pipeline.fakes.TestImages;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRulesTest {

    private static final long ONE_MB = 1024 * 1024;

    @ParameterizedTest
    @CsvSource({
            "300, 300",   // smallest square
            "750, 300",   // exactly 2.5:1
            "300, 750",   // exactly 1:2.5
            "4096, 4096",
            "1920, 1080",
            "1080, 1920"})
    void check_should_accept_when_sizeAndRatioAreWithinLimits(int width, int height) {
        // GIVEN
        ImageFacts facts = new ImageFacts(ImageFormat.JPEG, width, height);

        // WHEN
        List<FieldError> errors = ImageRules.check("image", facts, ONE_MB);

        // THEN
        assertThat(errors).isEmpty();
    }

    @Test
    void check_should_accept_when_exactlyTenMebibytes() {
        // GIVEN / WHEN
        List<FieldError> errors = ImageRules.check("image", new ImageFacts(ImageFormat.PNG, 1000, 1000), 10 * ONE_MB);

        // THEN
        assertThat(errors).isEmpty();
    }

    @Test
    void check_should_reject_when_oneByteOverTenMebibytes() {
        // GIVEN / WHEN
        List<FieldError> errors = ImageRules.check("image", new ImageFacts(ImageFormat.PNG, 1000, 1000), 10 * ONE_MB + 1);

        // THEN
        assertThat(errors).containsExactly(new FieldError("image",
                "image is 10485761 bytes; at most 10485760 bytes (10 MiB) are accepted"));
    }

    @ParameterizedTest
    @CsvSource({
            "299, 300, image is 299x300 px; each side must be at least 300 px",
            "300, 299, image is 300x299 px; each side must be at least 300 px",
            "299, 299, image is 299x299 px; each side must be at least 300 px"})
    void check_should_reject_when_aSideIsBelow300Px(int width, int height, String message) {
        // GIVEN / WHEN
        List<FieldError> errors = ImageRules.check("image", new ImageFacts(ImageFormat.JPEG, width, height), ONE_MB);

        // THEN
        assertThat(errors).containsExactly(new FieldError("image", message));
    }

    @ParameterizedTest
    @CsvSource({
            "753, 300, image aspect ratio 2.51:1 is outside 1:2.5 to 2.5:1",
            "300, 753, image aspect ratio 1:2.51 is outside 1:2.5 to 2.5:1",
            "900, 300, image aspect ratio 3.00:1 is outside 1:2.5 to 2.5:1",
            // 2.5033...:1 rounds up so it never reads as the limit itself
            "751, 300, image aspect ratio 2.51:1 is outside 1:2.5 to 2.5:1"})
    void check_should_reject_when_aspectRatioIsBeyond2point5(int width, int height, String message) {
        // GIVEN / WHEN
        List<FieldError> errors = ImageRules.check("image", new ImageFacts(ImageFormat.JPEG, width, height), ONE_MB);

        // THEN
        assertThat(errors).containsExactly(new FieldError("image", message));
    }

    @Test
    void check_should_reportEveryBrokenRule_when_severalAreBroken() {
        // GIVEN an end frame that is too big, too small and too tall at once
        ImageFacts facts = new ImageFacts(ImageFormat.PNG, 200, 800);

        // WHEN
        List<FieldError> errors = ImageRules.check("imageTail", facts, 20 * ONE_MB);

        // THEN
        assertThat(errors).containsExactly(
                new FieldError("imageTail", "imageTail is 20971520 bytes; at most 10485760 bytes (10 MiB) are accepted"),
                new FieldError("imageTail", "imageTail is 200x800 px; each side must be at least 300 px"),
                new FieldError("imageTail", "imageTail aspect ratio 1:4.00 is outside 1:2.5 to 2.5:1"));
    }

    @Test
    void check_should_acceptInspectedImage_when_encoderWroteExactly2point5To1() {
        // GIVEN a real 750x300 PNG, read by the inspector
        byte[] png = TestImages.png(750, 300);
        ImageFacts facts = new ImageInspector().inspect(new ByteArrayInputStream(png));

        // WHEN
        List<FieldError> errors = ImageRules.check("image", facts, png.length);

        // THEN
        assertThat(errors).isEmpty();
    }

    @Test
    void unreadable_should_nameTheFieldAndTheReason_when_inspectionFailed() {
        // GIVEN
        InvalidImageException e = new InvalidImageException("content is not JPEG or PNG (it looks like GIF)");

        // WHEN
        FieldError error = ImageRules.unreadable("imageTail", e);

        // THEN
        assertThat(error).isEqualTo(new FieldError("imageTail",
                "imageTail is not a usable image: content is not JPEG or PNG (it looks like GIF)"));
    }
}
