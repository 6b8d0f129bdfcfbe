package dev.netlab.webserver.tls;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A server key and its certificate chain, from a PKCS#12 keystore or PEM files, as a TLS context. */
record KeyMaterial(SSLContext context) {

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    /**
     * A keystore password and where it came from, so errors name its source but never its value.
     *
     * @param key    the configuration key naming the source
     * @param source the file or variable named there
     * @param value  the password itself
     */
    record Password(String key, String source, char[] value) {

        /** The first line of {@code file}. */
        static Password fromFile(String key, String file) {
            try {
                String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
                int end = text.indexOf('\n');
                String line = end < 0 ? text : text.substring(0, end);
                return new Password(key, file, line.stripTrailing().toCharArray());
            } catch (IOException | InvalidPathException e) {
                throw InvalidConfigException.invalid(key, file, "a readable file holding the keystore's password ("
                        + e.getClass().getSimpleName() + ")");
            }
        }

        @Override
        public String toString() {
            return "Password[" + key + "=" + source + "]";
        }
    }

    /** The first private key entry of a PKCS#12 file. */
    static KeyMaterial pkcs12(Settings tls, String file, Password password) {
        String key = tls.fullKey("keystore");
        KeyStore store;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password.value());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw InvalidConfigException.invalid(password.key(), password.source(),
                        "the password of " + key + " (it does not open " + file + ")");
            }
            throw InvalidConfigException.invalid(key, file, "a readable PKCS#12 file (" + reason(e) + ")");
        } catch (InvalidPathException | GeneralSecurityException e) {
            throw InvalidConfigException.invalid(key, file, "a readable PKCS#12 file (" + reason(e) + ")");
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw InvalidConfigException.invalid(key, file, "a keystore holding a private key and its certificate");
            }
            return new KeyMaterial(context(store, password.value()));
        } catch (UnrecoverableKeyException e) {
            throw InvalidConfigException.invalid(password.key(), password.source(),
                    "the password of the key in " + key + " (it does not open the key)");
        } catch (GeneralSecurityException e) {
            throw InvalidConfigException.invalid(key, file, "a usable server key (" + reason(e) + ")");
        }
    }

    /** A PEM certificate chain (server first) and its unencrypted PKCS#8 private key. */
    static KeyMaterial pem(Settings tls, String certificateFile, String keyFile) {
        X509Certificate[] chain = certificates(tls.fullKey("certificate"), certificateFile);
        PrivateKey privateKey = privateKey(tls.fullKey("private-key"), keyFile);
        if (!matches(privateKey, chain[0])) {
            throw InvalidConfigException.invalid(tls.fullKey("private-key"), keyFile,
                    "the private key of the first certificate in webserver.tls.certificate (they do not match)");
        }
        try {
            char[] secret = HexFormat.of().formatHex(randomBytes()).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, secret, chain);
            return new KeyMaterial(context(store, secret));
        } catch (IOException | GeneralSecurityException e) {
            throw InvalidConfigException.invalid(tls.fullKey("private-key"), keyFile,
                    "a usable server key (" + reason(e) + ")");
        }
    }

    private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static X509Certificate[] certificates(String key, String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (read.isEmpty()) {
                throw InvalidConfigException.invalid(key, file, "a PEM file holding at least one certificate");
            }
            return read.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (IOException | InvalidPathException | GeneralSecurityException e) {
            throw InvalidConfigException.invalid(key, file, "a readable PEM certificate chain (" + reason(e) + ")");
        }
    }

    private static PrivateKey privateKey(String key, String file) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException | InvalidPathException e) {
            throw InvalidConfigException.invalid(key, file, "a readable PEM private key (" + reason(e) + ")");
        }
        Matcher block = PEM_BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            if (type.equals("PRIVATE KEY")) {
                byte[] der = Base64.getMimeDecoder().decode(block.group(2));
                for (String algorithm : KEY_ALGORITHMS) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException e) {
                        // not this algorithm: try the next
                    }
                }
                throw InvalidConfigException.invalid(key, file, "an RSA, EC or EdDSA private key");
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw InvalidConfigException.invalid(key, file, "an unencrypted PKCS#8 key (BEGIN PRIVATE KEY, not "
                        + "BEGIN " + type + "; convert it with openssl pkcs8 -topk8 -nocrypt)");
            }
        }
        throw InvalidConfigException.invalid(key, file, "a PEM file with a BEGIN PRIVATE KEY block");
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            // No check for other algorithms: the handshake would fail instead.
            return true;
        }
        try {
            byte[] probe = "netlab key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** The exception's type and message on one line. */
    private static String reason(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.replaceAll("\\s+", " "));
    }
}
