package dev.netlab.mailclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.mailclient.Main;
import dev.netlab.mailclient.smtp.AuthMechanism;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.TlsMode;
import dev.netlab.mailclient.testing.TestPki;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's keys are exactly issue 19's list, with the documented defaults, and each one set works. */
class ConfigKeysTest {

    /** Issue 19, "Configuration (exactly these keys)". */
    private static final Set<String> ISSUE_KEYS = Set.of("mailclient.relay.server", "mailclient.relay.tls",
            "mailclient.relay.ca-file", "mailclient.relay.pin-sha256", "mailclient.relay.user",
            "mailclient.relay.password-env", "mailclient.relay.password-file", "mailclient.relay.auth",
            "mailclient.outbox.dir", "mailclient.retry.initial-backoff", "mailclient.retry.max-backoff",
            "mailclient.retry.max-age", "mailclient.api.token", "mailclient.api.token-file",
            "mailclient.limits.max-message-size", "mailclient.limits.max-recipients",
            "mailclient.limits.allowed-senders", "mailclient.delivery.concurrency");

    @TempDir
    Path dir;

    private static final Main MAIN = new Main(Resolver.system(), name -> null);

    private static MailSettings read(Optional<Path> file, Map<String, String> environment,
                                     Map<String, String> secrets) {
        Settings settings = ConfigLoader.load(file, environment, Map.of(), ServiceMain.schema(MAIN));
        Map<String, String> getenv = new HashMap<>(secrets);
        getenv.putIfAbsent("HOME", "/home/someone");
        return MailSettings.read(settings, getenv::get);
    }

    @Test
    void theDefaultsFileHoldsExactlyTheIssuesKeys() {
        Config defaults = Config.just(ConfigSources.classpath("application.yaml"));
        Set<String> keys = new TreeSet<>();
        defaults.get("mailclient").traverse()
                .filter(node -> node.isLeaf() || node.type() == Config.Type.LIST)
                .filter(node -> !node.key().parent().toString().endsWith("allowed-senders"))
                .forEach(node -> keys.add(node.key().toString()));
        assertThat(keys).isEqualTo(new TreeSet<>(ISSUE_KEYS));
    }

    @Test
    void theReadmeTableDocumentsExactlyTheIssuesKeys() throws Exception {
        // Rows such as "| `mailclient.api.token` / `token-file` | ...": a bare name is a sibling of the first key.
        Pattern code = Pattern.compile("`([a-z0-9.-]+)`");
        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("| `mailclient.")) {
                continue;
            }
            String cell = line.substring(1, line.indexOf('|', 1));
            Matcher m = code.matcher(cell);
            String parent = null;
            while (m.find()) {
                String key = m.group(1);
                if (key.startsWith("mailclient.")) {
                    parent = key.substring(0, key.lastIndexOf('.') + 1);
                    documented.add(key);
                } else {
                    documented.add(parent + key);
                }
            }
        }
        assertThat(documented).isEqualTo(new TreeSet<>(ISSUE_KEYS));
    }

    @Test
    void withNothingSetTheDefaultsAreTheDocumentedOnes() {
        MailSettings settings = read(Optional.empty(), Map.of(), Map.of());
        assertThat(settings.relay()).isEmpty();
        assertThat(settings.outboxDir()).isEqualTo(Path.of("/home/someone/.local/state/netlab/mail-outbox"));
        assertThat(settings.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.retry().maxBackoff()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.retry().maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.apiToken()).isEmpty();
        assertThat(settings.limits().maxMessageSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(settings.limits().maxRecipients()).isEqualTo(100);
        assertThat(settings.limits().allowedSenders()).isEmpty();
        assertThat(settings.concurrency()).isEqualTo(4);
    }

    @Test
    void everyScalarKeySetThroughTheEnvironmentTakesEffect() throws Exception {
        Path ca = TestPki.create("keys CA").writeCaPem(dir.resolve("ca.pem"));
        Map<String, String> env = new HashMap<>();
        env.put("MAILCLIENT_RELAY_SERVER", "relay.example.org:2465");
        env.put("MAILCLIENT_RELAY_TLS", "implicit");
        env.put("MAILCLIENT_RELAY_CA_dash_FILE", ca.toString());
        env.put("MAILCLIENT_RELAY_USER", "alice");
        env.put("MAILCLIENT_RELAY_PASSWORD_dash_ENV", "RELAY_SECRET");
        env.put("MAILCLIENT_RELAY_AUTH", "login");
        env.put("MAILCLIENT_OUTBOX_DIR", dir.resolve("outbox").toString());
        env.put("MAILCLIENT_RETRY_INITIAL_dash_BACKOFF", "2s");
        env.put("MAILCLIENT_RETRY_MAX_dash_BACKOFF", "3m");
        env.put("MAILCLIENT_RETRY_MAX_dash_AGE", "48h");
        env.put("MAILCLIENT_API_TOKEN", "0123456789abcdef-token");
        env.put("MAILCLIENT_LIMITS_MAX_dash_MESSAGE_dash_SIZE", "2MiB");
        env.put("MAILCLIENT_LIMITS_MAX_dash_RECIPIENTS", "7");
        env.put("MAILCLIENT_DELIVERY_CONCURRENCY", "9");
        MailSettings settings = read(Optional.empty(), env, Map.of("RELAY_SECRET", "s3cret"));
        SessionOptions relay = settings.relay().orElseThrow();
        assertThat(relay.host()).isEqualTo("relay.example.org");
        assertThat(relay.port()).isEqualTo(2465);
        assertThat(relay.tls().mode()).isEqualTo(TlsMode.IMPLICIT);
        assertThat(relay.tls().caFile()).contains(ca);
        assertThat(relay.credentials().orElseThrow().user()).isEqualTo("alice");
        assertThat(relay.auth()).contains(AuthMechanism.LOGIN);
        assertThat(settings.outboxDir()).isEqualTo(dir.resolve("outbox"));
        assertThat(settings.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.retry().maxBackoff()).isEqualTo(Duration.ofMinutes(3));
        assertThat(settings.retry().maxAge()).isEqualTo(Duration.ofHours(48));
        assertThat(new String(settings.apiToken().orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("0123456789abcdef-token");
        assertThat(settings.limits().maxMessageSize()).isEqualTo(2L * 1024 * 1024);
        assertThat(settings.limits().maxRecipients()).isEqualTo(7);
        assertThat(settings.concurrency()).isEqualTo(9);
    }

    @Test
    void theKeysTheEnvironmentTestCannotHoldAtOnceWorkFromAFile() throws Exception {
        byte[] pin = new byte[32];
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef-from-file\n");
        Path file = Files.writeString(dir.resolve("mail.yaml"), """
                mailclient:
                  relay:
                    server: "[::1]:2587"
                    pin-sha256: "%s"
                    user: alice
                    password-file: "%s"
                  api:
                    token-file: "%s"
                  limits:
                    allowed-senders: ["Alice@Example.org"]
                """.formatted(Base64.getEncoder().encodeToString(pin), password, token));
        MailSettings settings = read(Optional.of(file), Map.of(), Map.of());
        SessionOptions relay = settings.relay().orElseThrow();
        assertThat(relay.host()).isEqualTo("::1");
        assertThat(relay.port()).isEqualTo(2587);
        assertThat(relay.tls().mode()).isEqualTo(TlsMode.STARTTLS);
        assertThat(relay.tls().pinSha256().orElseThrow()).isEqualTo(pin);
        assertThat(relay.credentials().orElseThrow().user()).isEqualTo("alice");
        assertThat(new String(settings.apiToken().orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("0123456789abcdef-from-file");
        assertThat(settings.limits().allowsSender("alice@example.org")).isTrue();
        assertThat(settings.limits().allowsSender("bob@example.org")).isFalse();
    }

    @Test
    void anUndocumentedKeyUnderMailclientIsRefusedFromFileAndEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("extra.yaml"), """
                mailclient:
                  delivery:
                    linger: 5s
                """);
        assertThatThrownBy(() -> read(Optional.of(file), Map.of(), Map.of()))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("mailclient.delivery.linger");
        assertThatThrownBy(() -> read(Optional.empty(), Map.of("MAILCLIENT_RETRY_MAX_dash_AGES", "1h"), Map.of()))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("mailclient.retry.max-ages");
    }
}
