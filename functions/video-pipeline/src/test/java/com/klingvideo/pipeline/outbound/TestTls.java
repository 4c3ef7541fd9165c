package com.klingvideo.pipeline.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts from the self-signed test certificates, trusted only by the clients of the tests. */
public final class TestTls {

    /** A certificate for 127.0.0.1 and localhost. */
    public static final SSLContext LOOPBACK = load("/tls/loopback.p12");
    /** A certificate for the name images.test only (tests route that name to a loopback server). */
    public static final SSLContext IMAGES_TEST = load("/tls/images-test.p12");

    private TestTls() {
    }

    private static SSLContext load(String resource) {
        char[] password = "test-only".toCharArray();
        try (InputStream in = TestTls.class.getResourceAsStream(resource)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("test TLS setup failed for " + resource, e);
        }
    }
}
