package com.klingvideo.pipeline.kling;

import com.klingvideo.pipeline.fakes.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KlingTokensTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_767_772_800L);
    private static final KlingCredentials KEYS = KlingCredentials.official("ak-test-access", "sk-test-secret-0123456789");

    private final MutableClock clock = new MutableClock(NOW);
    private final KlingTokens tokens = new KlingTokens(clock);

    @Test
    void token_should_carryHs256HeaderAndDocumentedClaims_when_minted() {
        // GIVEN a fixed clock
        // WHEN a token is minted
        Jwt jwt = Jwt.decode(tokens.token(KEYS));

        // THEN the header and claims are exactly the documented ones, in Unix seconds
        assertThat(jwt.header().toString()).isEqualTo("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        assertThat(jwt.claims().get("iss").asText()).isEqualTo("ak-test-access");
        assertThat(jwt.claim("exp")).isEqualTo(1_767_772_800L + 1800);
        assertThat(jwt.claim("nbf")).isEqualTo(1_767_772_800L - 5);
        assertThat(jwt.claims().size()).isEqualTo(3);
    }

    @Test
    void token_should_beSignedWithTheSecretKeyAsBase64UrlWithoutPadding_when_minted() {
        // GIVEN / WHEN
        String token = tokens.token(KEYS);
        Jwt jwt = Jwt.decode(token);

        // THEN the signature is HMAC-SHA256 of header.claims with the secret key, base64url, no padding
        assertThat(jwt.signature()).isEqualTo(jwt.expectedSignature("sk-test-secret-0123456789"));
        assertThat(jwt.signature()).isNotEqualTo(jwt.expectedSignature("another-secret"));
        assertThat(token).doesNotContain("=", "+", "/");
    }

    @Test
    void token_should_beReused_when_moreThanFiveMinutesRemain() {
        // GIVEN a minted token
        String first = tokens.token(KEYS);

        // WHEN asked again 24 min 59 s later (5 min 1 s before exp)
        clock.advance(Duration.ofMinutes(24).plusSeconds(59));
        String second = tokens.token(KEYS);

        // THEN the same token comes back
        assertThat(second).isEqualTo(first);
    }

    @Test
    void token_should_beResigned_when_fiveMinutesOrLessRemain() {
        // GIVEN a minted token
        String first = tokens.token(KEYS);

        // WHEN asked again 25 min later (5 min before exp)
        clock.advance(Duration.ofMinutes(25));
        Jwt second = Jwt.decode(tokens.token(KEYS));

        // THEN a new token is signed for the new time
        assertThat(second.raw()).isNotEqualTo(first);
        assertThat(second.claim("nbf")).isEqualTo(NOW.plus(Duration.ofMinutes(25)).getEpochSecond() - 5);
    }

    @Test
    void token_should_beResigned_when_invalidated() {
        // GIVEN a minted token and one second passing
        String first = tokens.token(KEYS);
        clock.advance(Duration.ofSeconds(1));

        // WHEN the cache is dropped
        tokens.invalidate();
        String second = tokens.token(KEYS);

        // THEN a fresh token is signed
        assertThat(second).isNotEqualTo(first);
        assertThat(Jwt.decode(second).claim("nbf")).isEqualTo(NOW.getEpochSecond() + 1 - 5);
    }

    @Test
    void token_should_beResigned_when_keysWereRotated() {
        // GIVEN a token for the old keys
        tokens.token(KEYS);

        // WHEN the keys change
        Jwt jwt = Jwt.decode(tokens.token(KlingCredentials.official("ak-rotated", "sk-rotated-secret")));

        // THEN the token is for the new keys
        assertThat(jwt.claims().get("iss").asText()).isEqualTo("ak-rotated");
        assertThat(jwt.signature()).isEqualTo(jwt.expectedSignature("sk-rotated-secret"));
    }

    @Test
    void constructor_should_notReadTheClock() {
        // GIVEN / WHEN a fresh cache
        MutableClock untouched = new MutableClock(NOW);
        new KlingTokens(untouched);

        // THEN nothing was signed: the clock was never read
        assertThat(untouched.reads()).isZero();
    }
}
