package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.webserver.tls.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** webserver.tls.*: each bad key material is exit 2 with one line naming the key, never the password. */
class TlsSettingsTest {

    private static final String PASSWORD = "s3cret-Passw0rd";

    @TempDir
    static Path directory;
    private static TestCertificates.Pkcs12 keystore;
    private static TestCertificates.Pem pem;
    private static TestCertificates.Pem other;

    @BeforeAll
    static void certificates() throws Exception {
        keystore = TestCertificates.pkcs12(directory, "server", PASSWORD);
        pem = TestCertificates.pem(directory, "server");
        other = TestCertificates.pem(directory, "other");
    }

    private static Optional<TlsSettings> load(Map<String, String> environment, String... keyValues) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("webserver.tls.enabled", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put("webserver.tls." + keyValues[i], keyValues[i + 1]);
        }
        return TlsSettings.from(ConfigLoader.load(Optional.empty(), environment, overrides), environment);
    }

    private static void assertRefused(Map<String, String> environment, String key, String... keyValues) {
        assertThatThrownBy(() -> load(environment, keyValues))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("webserver.tls." + key)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD).doesNotContain("\n"));
    }

    @Test
    void disabledByDefaultOnTheContractPort() {
        assertThat(TlsSettings.from(ConfigLoader.load(Optional.empty(), Map.of(), Map.of()), Map.of())).isEmpty();
        Optional<TlsSettings> tls = load(Map.of(), "keystore", keystore.keystore().toString(),
                "keystore-password-file", keystore.passwordFile().toString());
        assertThat(tls).isPresent();
        assertThat(tls.get().port()).isEqualTo(8443);
        assertThat(tls.get().parameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(tls.get().parameters().getApplicationProtocols()).containsExactly("http/1.1");
    }

    @Test
    void aKeystoreOpensWithItsPasswordFromAFileOrTheEnvironment() {
        assertThat(load(Map.of("WEB_TLS_PASSWORD", PASSWORD), "keystore", keystore.keystore().toString(),
                "keystore-password-env", "WEB_TLS_PASSWORD")).isPresent();
    }

    @Test
    void pemCertificateAndKeyLoad() {
        assertThat(load(Map.of(), "certificate", pem.certificate().toString(),
                "private-key", pem.privateKey().toString())).isPresent();
    }

    @Test
    void aMissingKeystoreNamesItsKey() {
        assertRefused(Map.of(), "keystore", "keystore", directory.resolve("absent.p12").toString(),
                "keystore-password-file", keystore.passwordFile().toString());
    }

    @Test
    void aWrongPasswordNamesWhereItCameFromButNotThePassword() throws Exception {
        Path wrong = directory.resolve("wrong.password");
        Files.writeString(wrong, "not-" + PASSWORD + "\n");
        assertRefused(Map.of(), "keystore-password-file", "keystore", keystore.keystore().toString(),
                "keystore-password-file", wrong.toString());
        assertRefused(Map.of("WEB_TLS_PASSWORD", "nope"), "keystore-password-env",
                "keystore", keystore.keystore().toString(), "keystore-password-env", "WEB_TLS_PASSWORD");
    }

    @Test
    void aPasswordVariableThatIsNotSetOrNoPasswordSourceIsRefused() {
        assertRefused(Map.of(), "keystore-password-env", "keystore", keystore.keystore().toString(),
                "keystore-password-env", "NO_SUCH_VARIABLE");
        assertRefused(Map.of(), "keystore-password-file", "keystore", keystore.keystore().toString());
    }

    @Test
    void aKeyThatIsNotTheCertificatesNamesThePrivateKey() {
        assertRefused(Map.of(), "private-key", "certificate", pem.certificate().toString(),
                "private-key", other.privateKey().toString());
    }

    @Test
    void aCertificateThatIsNotPemOrAHalfPemPairIsRefused() {
        assertRefused(Map.of(), "certificate", "certificate", pem.privateKey().toString(),
                "private-key", pem.privateKey().toString());
        assertRefused(Map.of(), "private-key", "certificate", pem.certificate().toString());
        assertRefused(Map.of(), "private-key", "certificate", pem.certificate().toString(),
                "private-key", pem.certificate().toString());
    }

    @Test
    void noKeyOrBothKindsAreRefused() {
        assertRefused(Map.of(), "keystore");
        assertRefused(Map.of(), "keystore", "keystore", keystore.keystore().toString(),
                "keystore-password-file", keystore.passwordFile().toString(),
                "certificate", pem.certificate().toString(), "private-key", pem.privateKey().toString());
    }
}
