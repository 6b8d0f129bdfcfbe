package dev.netlab.webserver.tls;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The {@code webserver.tls.*} settings: where the TLS listener binds and the key it serves, loaded and checked before
 * anything is bound (a missing file, a wrong password, a key that is not the certificate's: exit 2 naming the key).
 *
 * @param bindAddress the address the TLS listener binds
 * @param port        its port (0: any free one)
 * @param context     the server's TLS context, holding its key and certificate chain
 */
public record TlsSettings(InetAddress bindAddress, int port, SSLContext context) {

    /** The keys without a default, declared to the kit's schema. */
    public static final List<String> OPTIONAL_KEYS = List.of("webserver.tls.keystore",
            "webserver.tls.keystore-password-env", "webserver.tls.keystore-password-file",
            "webserver.tls.certificate", "webserver.tls.private-key");

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final String[] APPLICATION_PROTOCOLS = {"http/1.1"};
    private static final String REJECT_CLIENT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    /** Reads {@code webserver.tls}: empty when the listener is disabled. */
    public static Optional<TlsSettings> from(Settings settings, Map<String, String> environment) {
        Settings tls = settings.child("webserver").child("tls");
        if (!tls.bool("enabled")) {
            return Optional.empty();
        }
        refuseClientRenegotiation();
        InetAddress bind = tls.bindAddress("bind-address");
        int port = tls.port("port");
        Optional<String> keystore = tls.optionalString("keystore");
        Optional<String> certificate = tls.optionalString("certificate");
        Optional<String> privateKey = tls.optionalString("private-key");
        KeyMaterial material;
        if (keystore.isPresent()) {
            if (certificate.isPresent() || privateKey.isPresent()) {
                throw InvalidConfigException.invalid(tls.fullKey("keystore"), keystore.get(),
                        "either a PKCS#12 keystore or a PEM certificate and private-key, not both");
            }
            material = KeyMaterial.pkcs12(tls, keystore.get(), password(tls, environment));
        } else if (certificate.isPresent() || privateKey.isPresent()) {
            material = KeyMaterial.pem(tls,
                    certificate.orElseThrow(() -> InvalidConfigException.missing(tls.fullKey("certificate"),
                            "a PEM certificate chain file, with webserver.tls.private-key")),
                    privateKey.orElseThrow(() -> InvalidConfigException.missing(tls.fullKey("private-key"),
                            "a PEM (PKCS#8) private key file, with webserver.tls.certificate")));
        } else {
            throw InvalidConfigException.missing(tls.fullKey("keystore"),
                    "a PKCS#12 file, or webserver.tls.certificate and webserver.tls.private-key (PEM)");
        }
        return Optional.of(new TlsSettings(bind, port, material.context()));
    }

    /**
     * Makes JSSE answer a client's renegotiation (TLS 1.2) with a handshake_failure alert, as nginx does: each one is
     * a full handshake on a connection already accepted, a cheap way to make the server spend its CPU. A JVM-wide
     * switch that JSSE reads at its first server handshake, so it is set before the listener exists; a value given
     * on the command line ({@code -Djdk.tls.rejectClientInitiatedRenegotiation=false}) is left alone.
     */
    private static void refuseClientRenegotiation() {
        if (System.getProperty(REJECT_CLIENT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_CLIENT_RENEGOTIATION, "true");
        }
    }

    /** Where the keystore's password comes from: never the configuration itself. */
    private static KeyMaterial.Password password(Settings tls, Map<String, String> environment) {
        Optional<String> variable = tls.optionalString("keystore-password-env");
        Optional<String> file = tls.optionalString("keystore-password-file");
        if (variable.isPresent() == file.isPresent()) {
            throw InvalidConfigException.missing(tls.fullKey("keystore-password-file"),
                    "exactly one of webserver.tls.keystore-password-file (a file holding the password) and "
                            + "webserver.tls.keystore-password-env (the name of a variable holding it)");
        }
        if (variable.isPresent()) {
            String value = environment.get(variable.get());
            if (value == null) {
                throw InvalidConfigException.invalid(tls.fullKey("keystore-password-env"), variable.get(),
                        "the name of a set environment variable");
            }
            return new KeyMaterial.Password(tls.fullKey("keystore-password-env"), variable.get(), value.toCharArray());
        }
        return KeyMaterial.Password.fromFile(tls.fullKey("keystore-password-file"), file.get());
    }

    /** TLS 1.2 and 1.3 only, ALPN http/1.1, the server's cipher order. */
    public SSLParameters parameters() {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setApplicationProtocols(APPLICATION_PROTOCOLS);
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNeedClientAuth(false);
        return parameters;
    }
}
