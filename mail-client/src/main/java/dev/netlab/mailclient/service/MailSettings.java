package dev.netlab.mailclient.service;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.mailclient.api.Limits;
import dev.netlab.mailclient.outbox.RetryPolicy;
import dev.netlab.mailclient.smtp.SessionOptions;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The service's configuration under {@code mailclient.*}, validated once where it enters.
 *
 * @param relay       where messages go; empty keeps them queued
 * @param outboxDir   the outbox's directory
 * @param retry       the retry policy
 * @param apiToken    the bearer token every {@code /api} request must carry, when set
 * @param limits      what a message may be
 * @param concurrency how many deliveries run at once
 */
record MailSettings(Optional<SessionOptions> relay, Path outboxDir, RetryPolicy retry, Optional<byte[]> apiToken,
                    Limits limits, int concurrency) {

    static MailSettings read(Settings settings, Function<String, String> getenv) {
        Settings mail = settings.child("mailclient");
        Optional<SessionOptions> relay = RelaySettings.read(mail.child("relay"), getenv);
        Path outboxDir = mail.optionalString("outbox.dir").map(Path::of).orElseGet(() -> defaultOutbox(getenv));
        Duration initial = mail.duration("retry.initial-backoff", Duration.ofMillis(1), Duration.ofDays(1));
        Duration max = mail.duration("retry.max-backoff", Duration.ofMillis(1), Duration.ofDays(7));
        if (max.compareTo(initial) < 0) {
            throw InvalidConfigException.invalid(mail.fullKey("retry.max-backoff"), mail.string("retry.max-backoff"),
                    "expected at least retry.initial-backoff (" + mail.string("retry.initial-backoff") + ")");
        }
        Duration maxAge = mail.duration("retry.max-age", Duration.ofMillis(1), Duration.ofDays(365));
        Optional<byte[]> token = token(mail);
        InetAddress adminBind = settings.bindAddress("admin.bind-address");
        if (token.isEmpty() && !adminBind.isLoopbackAddress()) {
            throw InvalidConfigException.missing(mail.fullKey("api.token"), "admin.bind-address "
                    + adminBind.getHostAddress() + " is beyond loopback: set mailclient.api.token or"
                    + " mailclient.api.token-file (an open relay is a bug)");
        }
        Limits limits = new Limits(mail.byteSize("limits.max-message-size", 1024, 1L << 30),
                mail.integer("limits.max-recipients", 1, 10_000), allowedSenders(mail));
        int concurrency = mail.integer("delivery.concurrency", 1, 1024);
        return new MailSettings(relay, outboxDir, new RetryPolicy(initial, max, maxAge), token, limits, concurrency);
    }

    private static Path defaultOutbox(Function<String, String> getenv) {
        String home = Optional.ofNullable(getenv.apply("HOME")).orElse(System.getProperty("user.home"));
        return Path.of(home, ".local", "state", "netlab", "mail-outbox");
    }

    private static Optional<byte[]> token(Settings mail) {
        Optional<String> inline = mail.optionalString("api.token");
        Optional<String> file = mail.optionalString("api.token-file");
        if (inline.isPresent() && file.isPresent()) {
            throw InvalidConfigException.invalid(mail.fullKey("api.token-file"), file.get(),
                    "set mailclient.api.token or mailclient.api.token-file, not both");
        }
        Optional<String> token = inline.or(() -> file.map(f -> new String(
                RelaySettings.readSecret(mail.fullKey("api.token-file"), Path.of(f)))));
        token.ifPresent(t -> {
            if (t.length() < 16) {
                throw InvalidConfigException.invalid(mail.fullKey(inline.isPresent() ? "api.token" : "api.token-file"),
                        "<redacted>", "expected a token of at least 16 characters");
            }
        });
        return token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> allowedSenders(Settings mail) {
        Config node = mail.raw().get("limits.allowed-senders");
        if (!node.exists()) {
            return List.of();
        }
        try {
            return node.asList(String.class).orElse(List.of()).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (ConfigException e) {
            throw InvalidConfigException.invalid(mail.fullKey("limits.allowed-senders"), "<" + node.type() + ">",
                    "expected a list of addresses");
        }
    }
}
