package dev.netlab.mailclient.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Turns a plain socket into a verified TLS client socket: the certificate chain against the JDK's trust store or a
 * CA file and the host name against the certificate (as HTTPS does, RFC 6125), or only the public key against a pin,
 * or nothing at all when asked to be insecure.
 */
public final class TlsConnector {

    /** What the handshake established, for the transcript. */
    public record Established(String protocol, String cipherSuite, String peer, String verification) {
    }

    private final TlsOptions options;
    private final SSLContext context;

    private TlsConnector(TlsOptions options, SSLContext context) {
        this.options = options;
        this.context = context;
    }

    /**
     * @throws IOException when the CA file cannot be read or holds no certificate
     */
    public static TlsConnector create(TlsOptions options) throws IOException {
        try {
            TrustManager trust;
            if (options.insecure()) {
                trust = new TrustingManager(null);
            } else if (options.pinSha256().isPresent()) {
                trust = new TrustingManager(options.pinSha256().get());
            } else {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(options.caFile().isPresent() ? caStore(options) : null);
                trust = factory.getTrustManagers()[0];
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return new TlsConnector(options, context);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore caStore(TlsOptions options) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(options.caFile().orElseThrow())) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (CertificateException e) {
            throw new IOException("CA file " + options.caFile().get() + " holds no readable certificate: "
                    + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IOException("CA file " + options.caFile().get() + " holds no certificate");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        return store;
    }

    /** Whether this connector checks the host name (not with a pin or {@code --insecure}). */
    public boolean checksHostName() {
        return !options.insecure() && options.pinSha256().isEmpty();
    }

    /**
     * Wraps {@code plain} (already connected) and completes the handshake.
     *
     * @throws SSLException on a handshake or verification failure
     */
    public SSLSocket handshake(Socket plain, String host, int port, int timeoutMillis) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        if (checksHostName()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isAddressLiteral(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        socket.setSSLParameters(parameters);
        socket.setUseClientMode(true);
        socket.setSoTimeout(timeoutMillis);
        socket.startHandshake();
        return socket;
    }

    /** Describes the session for the transcript. */
    public Established describe(SSLSocket socket, String host) {
        SSLSession session = socket.getSession();
        String peer;
        try {
            Certificate[] chain = session.getPeerCertificates();
            peer = chain[0] instanceof X509Certificate x509 ? x509.getSubjectX500Principal().getName() : "unknown";
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            peer = "unknown";
        }
        String verification;
        if (options.insecure()) {
            verification = "NOT verified (--insecure)";
        } else if (options.pinSha256().isPresent()) {
            verification = "public key matches the pinned SHA-256";
        } else {
            verification = "verified against " + options.caFile().map(p -> "CA file " + p).orElse("the JDK trust store")
                    + ", host name " + host + " matches";
        }
        return new Established(session.getProtocol(), session.getCipherSuite(), peer, verification);
    }

    static boolean isAddressLiteral(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** SHA-256 of a certificate's SubjectPublicKeyInfo, as a pin compares it. */
    public static byte[] spkiSha256(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Accepts any chain ({@code pin == null}, insecure) or only a leaf whose public key hashes to {@code pin}. */
    private static final class TrustingManager extends X509ExtendedTrustManager {
        private final byte[] pin;

        TrustingManager(byte[] pin) {
            this.pin = pin;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (pin == null) {
                return;
            }
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            byte[] actual = spkiSha256(chain[0]);
            if (!MessageDigest.isEqual(actual, pin)) {
                throw new CertificateException("the server's public key does not match --pin-sha256 (its SHA-256 is "
                        + java.util.Base64.getEncoder().encodeToString(actual) + ")");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
