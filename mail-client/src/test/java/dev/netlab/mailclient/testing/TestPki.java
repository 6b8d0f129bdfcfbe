package dev.netlab.mailclient.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA and server certificates made with BouncyCastle, for TLS tests on loopback. */
public final class TestPki {

    /** A certificate with its key, its issuing chain and the SSLContext a server presents it with. */
    public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {

        public SSLContext serverContext() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", key, new char[0], chain.toArray(X509Certificate[]::new));
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, new char[0]);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(factory.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes the key and chain as a PKCS#12 store with an empty password (for a server in another JVM). */
        public void writePkcs12(Path file) throws IOException {
            try (var out = Files.newOutputStream(file)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", key, new char[0], chain.toArray(X509Certificate[]::new));
                store.store(out, new char[0]);
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }

        /** Writes the certificate chain and the key as PEM files (for Exim). */
        public void writePem(Path certificateFile, Path keyFile) throws IOException {
            Files.writeString(certificateFile, pem(chain.toArray()));
            Files.writeString(keyFile, pem(key));
        }
    }

    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private long serial = 1;

    private TestPki(String caName) {
        try {
            caKeys = keyPair();
            X500Name name = new X500Name("CN=" + caName);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++),
                    Date.from(Instant.now().minus(Duration.ofHours(1))),
                    Date.from(Instant.now().plus(Duration.ofDays(2))), name, caKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            caCertificate = sign(builder, caKeys.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestPki create(String caName) {
        return new TestPki(caName);
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** Writes the CA certificate as PEM, for {@code --ca-file}. */
    public Path writeCaPem(Path file) throws IOException {
        Files.writeString(file, pem(caCertificate));
        return file;
    }

    /** A server certificate with an EC key for {@code dnsName} (and 127.0.0.1 when {@code withLoopbackIp}). */
    public Issued issue(String dnsName, boolean withLoopbackIp) {
        return issue(dnsName, withLoopbackIp, false, Instant.now().plus(Duration.ofDays(1)));
    }

    /** A server certificate with an EC key for {@code dnsName} and 127.0.0.1 that expired at {@code notAfter}. */
    public Issued issueExpired(String dnsName, Instant notAfter) {
        return issue(dnsName, true, false, notAfter);
    }

    /**
     * A server certificate with an RSA key: GnuTLS (Exim) cannot load the JDK's PKCS#8 encoding of an EC key, which
     * leaves out the optional public key.
     */
    public Issued issueRsa(String dnsName, boolean withLoopbackIp) {
        return issue(dnsName, withLoopbackIp, true, Instant.now().plus(Duration.ofDays(1)));
    }

    private Issued issue(String dnsName, boolean withLoopbackIp, boolean rsa, Instant notAfter) {
        try {
            KeyPair keys = rsa ? rsaKeyPair() : keyPair();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate,
                    BigInteger.valueOf(serial++), Date.from(notAfter.minus(Duration.ofDays(30))),
                    Date.from(notAfter), new X500Name("CN=" + dnsName),
                    keys.getPublic());
            GeneralName dns = new GeneralName(GeneralName.dNSName, dnsName);
            GeneralNames names = withLoopbackIp
                    ? new GeneralNames(new GeneralName[] {dns, new GeneralName(GeneralName.iPAddress, "127.0.0.1")})
                    : new GeneralNames(dns);
            builder.addExtension(Extension.subjectAlternativeName, false, names);
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = sign(builder, caKeys.getPrivate());
            return new Issued(certificate, keys.getPrivate(), List.of(certificate, caCertificate));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static KeyPair rsaKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException, IOException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    /** PEM text: certificates as CERTIFICATE, a private key as PKCS#8 PRIVATE KEY (what GnuTLS and the JDK read). */
    private static String pem(Object... objects) throws IOException {
        StringBuilder out = new StringBuilder();
        Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (Object object : objects) {
            String type;
            byte[] der;
            try {
                if (object instanceof X509Certificate certificate) {
                    type = "CERTIFICATE";
                    der = certificate.getEncoded();
                } else if (object instanceof PrivateKey key) {
                    type = "PRIVATE KEY";
                    der = key.getEncoded();
                } else {
                    throw new IllegalArgumentException("cannot write " + object.getClass() + " as PEM");
                }
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IOException(e);
            }
            out.append("-----BEGIN ").append(type).append("-----\n").append(encoder.encodeToString(der))
                    .append("\n-----END ").append(type).append("-----\n");
        }
        return out.toString();
    }
}
