package dev.netlab.webserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Self-signed certificates for localhost and 127.0.0.1, made at test time: keytool for PKCS#12, openssl for PEM. */
final class TestCertificates {

    static final String SUBJECT_ALT_NAMES = "DNS:localhost,IP:127.0.0.1";

    /**
     * A PKCS#12 keystore and its certificate as PEM (what a client trusts).
     *
     * @param keystore     the PKCS#12 file
     * @param password     its password
     * @param passwordFile a file holding the password
     * @param certificate  the certificate, PEM
     */
    record Pkcs12(Path keystore, String password, Path passwordFile, Path certificate) {
    }

    /**
     * PEM files.
     *
     * @param certificate the certificate
     * @param privateKey  its unencrypted PKCS#8 key
     */
    record Pem(Path certificate, Path privateKey) {
    }

    private TestCertificates() {
    }

    /** An EC P-256 key and self-signed certificate in a new PKCS#12 file under {@code directory}. */
    static Pkcs12 pkcs12(Path directory, String name, String password) throws IOException, InterruptedException {
        Path keystore = directory.resolve(name + ".p12");
        Path certificate = directory.resolve(name + ".crt");
        Path passwordFile = directory.resolve(name + ".password");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password,
                "-keypass", password));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(),
                "-storepass", password, "-file", certificate.toString()));
        Files.writeString(passwordFile, password + "\n");
        return new Pkcs12(keystore, password, passwordFile, certificate);
    }

    /** An EC P-256 key and self-signed certificate as PEM files under {@code directory}, made by openssl. */
    static Pem pem(Path directory, String name) throws IOException, InterruptedException {
        Path certificate = directory.resolve(name + "-cert.pem");
        Path key = directory.resolve(name + "-key.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key.toString(), "-out", certificate.toString(), "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=" + SUBJECT_ALT_NAMES));
        return new Pem(certificate, key);
    }

    /** A client context trusting only {@code certificate} (PEM). */
    static SSLContext trusting(Path certificate) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(command.get(0) + " failed: " + output);
        }
    }
}
