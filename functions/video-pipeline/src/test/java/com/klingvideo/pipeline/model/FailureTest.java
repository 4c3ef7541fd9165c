package com.klingvideo.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureTest {

    @ParameterizedTest
    @EnumSource(value = FailureCode.class, mode = EnumSource.Mode.EXCLUDE, names = "KLING_REFUSED")
    void code_should_beTheConstantsName_when_theFailureIsNotKlings(FailureCode code) {
        assertThat(new Failure(code, "why").code()).isEqualTo(code.name()).isEqualTo(code.pattern());
    }

    @Test
    void code_should_carryKlingsCode_when_klingRefused() {
        // GIVEN Kling's refusal 1301
        Failure failure = Failure.klingRefused("1301", "content policy");

        // THEN it is stored as KLING_1301, as it always was
        assertThat(failure.code()).isEqualTo("KLING_1301");
        assertThat(FailureCode.KLING_REFUSED.pattern()).isEqualTo("KLING_<code>");
    }

    @Test
    void new_should_refuse_when_aKlingRefusalHasNoKlingCode() {
        assertThatThrownBy(() -> new Failure(FailureCode.KLING_REFUSED, "why"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Failure(FailureCode.INVALID_INPUT, "1301", "why"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromCode_should_preferANamedCode_when_itStartsWithKling() {
        assertThat(Failure.fromCode("KLING_TASK_FAILED", "r")).contains(new Failure(FailureCode.KLING_TASK_FAILED, "r"));
        assertThat(Failure.fromCode("KLING_NO_VIDEO", "r")).contains(new Failure(FailureCode.KLING_NO_VIDEO, "r"));
        assertThat(Failure.fromCode("KLING_1303", "r")).contains(Failure.klingRefused("1303", "r"));
        assertThat(Failure.fromCode("KLING_", "r")).isEmpty();
        assertThat(Failure.fromCode(null, "r")).isEmpty();
    }
}
