package com.klingvideo.pipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.klingvideo.pipeline.outbound.FetchException.Reason;
import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundGuardTest {

    /** Fails the test if a literal host were ever looked up in DNS. */
    private static final HostResolver NO_DNS = host -> {
        throw new AssertionError("looked up " + host);
    };

    private final FakeNetwork dns = new FakeNetwork()
            .name("images.test", "93.184.215.14")
            .name("inside.test", "127.0.0.1")
            .name("metadata.test", "169.254.169.254")
            .name("mixed.test", "93.184.215.14", "10.0.0.7")
            .name("v6.test", "2606:2800:21f:cb07:6820:80da:af6b:8b2c");
    private final OutboundGuard strict = new OutboundGuard(dns, false);

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1/a.png", "https://127.8.9.10/a.png", "https://[::1]/a.png",
            "https://[::ffff:127.0.0.1]/a.png", "https://[0:0:0:0:0:ffff:7f00:1]/a.png", "https://[::127.0.0.1]/a.png",
            "https://10.1.2.3/a.png", "https://172.16.0.1/a.png", "https://172.31.255.255/a.png",
            "https://192.168.1.1/a.png", "https://[::ffff:192.168.1.1]/a.png",
            "https://169.254.169.254/latest/meta-data/", "https://[fe80::1]/a.png", "https://[fe80::1%251]/a.png",
            "https://[fc00::1]/a.png", "https://[fd00:ec2::254]/a.png", "https://100.64.0.1/a.png",
            "https://100.127.255.254/a.png", "https://224.0.0.1/a.png", "https://239.255.255.250/a.png",
            "https://[ff02::1]/a.png", "https://0.0.0.0/a.png", "https://[::]/a.png", "https://255.255.255.255/a.png",
            "https://240.0.0.1/a.png", "https://[64:ff9b::a9fe:a9fe]/a.png", "https://[64:ff9b::7f00:1]/a.png",
            "https://[64:ff9b:1::a00:1]/a.png", "https://[2002:7f00:1::1]/a.png", "https://[2002:a9fe:a9fe::]/a.png",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/a.png", "https://[fec0::1]/a.png",
            "https://192.0.2.1/a.png", "https://[2001:db8::1]/a.png"})
    void check_should_refuseTheAddress_when_theHostIsANonPublicAddress(String url) {
        // GIVEN a guard whose resolver must not be asked about literals
        OutboundGuard guard = new OutboundGuard(NO_DNS, false);

        // WHEN
        FetchException refused = catchThrowableOfType(() -> guard.check(URI.create(url)), FetchException.class);

        // THEN
        assertThat(refused).as(url).isNotNull();
        assertThat(refused.reason()).as(url).isEqualTo(Reason.REFUSED_ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://2130706433/a.png", "https://0x7f000001/a.png", "https://0x7f.0.0.1/a.png",
            "https://0177.0.0.1/a.png", "https://127.1/a.png", "https://127.0.1/a.png", "https://017700000001/a.png",
            "https://127.0.0.01/a.png", "https://1.2.3.4.5/a.png", "https://images.test.0x10/a.png"})
    void check_should_refuseWithoutALookup_when_theHostIsANumberInAnotherSpelling(String url) {
        // GIVEN a guard whose resolver must not be asked
        OutboundGuard guard = new OutboundGuard(NO_DNS, false);

        // WHEN
        FetchException refused = catchThrowableOfType(() -> guard.check(URI.create(url)), FetchException.class);

        // THEN (the JDK reads 2130706433 as 127.0.0.1 and 0177.0.0.1 as 177.0.0.1; curl reads it as 127.0.0.1)
        assertThat(refused).as(url).isNotNull();
        assertThat(refused.reason()).as(url).isEqualTo(Reason.BAD_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://inside.test/a.png", "https://metadata.test/a.png", "https://mixed.test/a.png"})
    void check_should_refuseTheAddress_when_aNameResolvesToANonPublicAddress(String url) {
        // WHEN
        FetchException refused = catchThrowableOfType(() -> strict.check(URI.create(url)), FetchException.class);

        // THEN every address of the answer counts, not just the first
        assertThat(refused.reason()).isEqualTo(Reason.REFUSED_ADDRESS);
    }

    @Test
    void check_should_refuseLocalhost_when_theSystemResolverAnswersWithLoopback() {
        // GIVEN the system resolver (localhost resolves from the hosts file)
        OutboundGuard guard = new OutboundGuard(HostResolver.SYSTEM, false);

        // WHEN
        FetchException refused = catchThrowableOfType(() -> guard.check(URI.create("https://localhost/a.png")),
                FetchException.class);

        // THEN
        assertThat(refused.reason()).isEqualTo(Reason.REFUSED_ADDRESS);
    }

    @Test
    void check_should_returnTheCheckedAddresses_when_theNameIsPublic() throws FetchException {
        // WHEN
        OutboundGuard.Target target = strict.check(URI.create("https://Images.Test./a.png?sig=x"));

        // THEN the connection goes to exactly what was checked, and the name is kept for TLS and Host
        assertThat(target.addresses()).containsExactly(FakeNetwork.address("93.184.215.14"));
        assertThat(target.host()).isEqualTo("images.test");
        assertThat(target.port()).isEqualTo(443);
        assertThat(target.tls()).isTrue();
        assertThat(target.literal()).isFalse();
    }

    @Test
    void check_should_acceptPublicAddressLiterals() throws FetchException {
        OutboundGuard guard = new OutboundGuard(NO_DNS, false);

        assertThat(guard.check(URI.create("https://93.184.215.14/a.png")).addresses())
                .containsExactly(FakeNetwork.address("93.184.215.14"));
        assertThat(guard.check(URI.create("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/a.png")).literal()).isTrue();
        assertThat(strict.check(URI.create("https://v6.test:443/a.png")).addresses()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://images.test/a.png", "ftp://images.test/a.png", "file:///etc/passwd",
            "https://images.test:8443/a.png", "https://images.test:80/a.png", "https://user:pw@images.test/a.png",
            "https:/a.png", "https://bad_host.test/a.png", "gopher://images.test/"})
    void check_should_refuseTheUrl_when_itIsNotHttpsOnPort443ToAPlainHost(String url) {
        // WHEN
        FetchException refused = catchThrowableOfType(() -> strict.check(URI.create(url)), FetchException.class);

        // THEN
        assertThat(refused).as(url).isNotNull();
        assertThat(refused.reason()).as(url).isEqualTo(Reason.BAD_URL);
    }

    @Test
    void check_should_sayDns_when_theNameDoesNotResolve() {
        // WHEN
        FetchException failed = catchThrowableOfType(() -> strict.check(URI.create("https://nowhere.test/a.png")),
                FetchException.class);

        // THEN
        assertThat(failed.reason()).isEqualTo(Reason.DNS);
    }

    @Test
    void check_should_admitLoopbackHttpAndAnyPort_when_localAccessIsOn() throws FetchException {
        // GIVEN the local stack's guard
        OutboundGuard local = new OutboundGuard(dns, true);

        // WHEN / THEN loopback, http and other ports pass
        assertThat(local.check(URI.create("http://127.0.0.1:8089/videos/1.mp4")).addresses())
                .containsExactly(InetAddress.getLoopbackAddress());
        assertThat(local.check(URI.create("https://inside.test:9443/a.png")).port()).isEqualTo(9443);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://10.0.0.1/a.png", "http://169.254.169.254/", "https://metadata.test/a.png",
            "ftp://127.0.0.1/a.png", "http://2130706433:8089/a.png"})
    void check_should_stillRefuseEverythingButLoopback_when_localAccessIsOn(String url) {
        // GIVEN the local stack's guard
        OutboundGuard local = new OutboundGuard(dns, true);

        // WHEN / THEN
        assertThat(catchThrowableOfType(() -> local.check(URI.create(url)), FetchException.class)).as(url).isNotNull();
    }
}
