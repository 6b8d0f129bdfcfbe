package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.RunningMailService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's keys as a user writes them in a --config file, checked as in production. */
class MailSettingsTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheAllowedSendersMaySendAndOthersGet403() throws Exception {
        Path config = Files.writeString(dir.resolve("mail.yaml"), """
                mailclient:
                  outbox:
                    dir: "%s"
                  limits:
                    allowed-senders: [ "Alice@Example.org", "bob@example.org" ]
                """.formatted(dir.resolve("outbox")));
        try (RunningMailService service = RunningMailService.start(Optional.of(config), Map.of(), Resolver.system(),
                Clock.systemUTC())) {
            assertThat(service.post(message("alice@example.org", "x@example.org", "ok")).statusCode()).isEqualTo(202);
            var refused = service.post(message("mallory@example.org", "x@example.org", "relay me"));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(RunningMailService.json(refused).get("field").asText()).isEqualTo("from");
        }
    }

    @Test
    void aMistypedKeyStopsTheStartInsteadOfFallingBackToADefault() throws Exception {
        Path config = Files.writeString(dir.resolve("typo.yaml"), """
                mailclient:
                  relay:
                    sever: "smtp.example.org:587"
                """);
        assertThatThrownBy(() -> RunningMailService.start(Optional.of(config), Map.of("mailclient.outbox.dir",
                dir.resolve("outbox").toString()), Resolver.system(), Clock.systemUTC()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("mailclient.relay.sever");
    }

    @Test
    void credentialsWithoutTlsAreRefused() {
        assertThatThrownBy(() -> RunningMailService.start(Map.of("mailclient.outbox.dir",
                dir.resolve("outbox").toString(), "mailclient.relay.server", "127.0.0.1:2525",
                "mailclient.relay.tls", "none", "mailclient.relay.user", "u", "mailclient.relay.password-env",
                "SMTP_PASSWORD"), Resolver.system(), Clock.systemUTC()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("mailclient.relay.tls")
                .hasMessageContaining("never sent without TLS");
    }
}
