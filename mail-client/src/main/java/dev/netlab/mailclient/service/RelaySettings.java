package dev.netlab.mailclient.service;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.mailclient.cli.ServerAddress;
import dev.netlab.mailclient.cli.UsageException;
import dev.netlab.mailclient.smtp.AuthMechanism;
import dev.netlab.mailclient.smtp.Credentials;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.Timeouts;
import dev.netlab.mailclient.smtp.TlsMode;
import dev.netlab.mailclient.smtp.TlsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * The relay the service delivers to, from {@code mailclient.relay.*}, with the rules of {@code send}: the
 * certificate is verified (JDK trust store, {@code ca-file} or {@code pin-sha256}), and credentials are never sent
 * without TLS.
 */
final class RelaySettings {

    private RelaySettings() {
    }

    /** The session options for the configured relay, or empty when {@code mailclient.relay.server} is not set. */
    static Optional<SessionOptions> read(Settings relay, Function<String, String> getenv) {
        Optional<String> server = relay.optionalString("server");
        if (server.isEmpty()) {
            return Optional.empty();
        }
        TlsMode mode = relay.choice("tls", TlsMode.class);
        ServerAddress address;
        try {
            address = ServerAddress.parse(server.get(), mode);
        } catch (UsageException e) {
            throw InvalidConfigException.invalid(relay.fullKey("server"), server.get(),
                    "expected HOST[:PORT] or [IPv6]:PORT");
        }
        Optional<Path> caFile = relay.optionalString("ca-file").map(Path::of);
        Optional<String> pin = relay.optionalString("pin-sha256");
        if (mode == TlsMode.NONE && (caFile.isPresent() || pin.isPresent())) {
            throw InvalidConfigException.invalid(relay.fullKey("tls"), "none",
                    "ca-file and pin-sha256 need tls starttls or implicit");
        }
        if (caFile.isPresent() && pin.isPresent()) {
            throw InvalidConfigException.invalid(relay.fullKey("pin-sha256"), pin.get(),
                    "the pin replaces the CA check: set it or ca-file, not both");
        }
        if (caFile.isPresent() && !Files.isReadable(caFile.get())) {
            throw InvalidConfigException.invalid(relay.fullKey("ca-file"), caFile.get().toString(),
                    "expected a readable PEM file");
        }
        Optional<byte[]> pinBytes;
        try {
            pinBytes = pin.map(TlsOptions::decodePin);
        } catch (IllegalArgumentException e) {
            throw InvalidConfigException.invalid(relay.fullKey("pin-sha256"), pin.get(), e.getMessage());
        }
        Optional<Credentials> credentials = credentials(relay, mode, getenv);
        String authText = relay.optionalString("auth").orElse("auto");
        Optional<AuthMechanism> auth = "auto".equalsIgnoreCase(authText)
                ? Optional.empty() : Optional.of(relay.choice("auth", AuthMechanism.class));
        if (auth.isPresent() && credentials.isEmpty()) {
            throw InvalidConfigException.invalid(relay.fullKey("auth"), authText, "a mechanism needs user");
        }
        return Optional.of(new SessionOptions(address.host(), address.port(),
                new TlsOptions(mode, caFile, pinBytes, false), credentials, auth, Optional.empty(),
                Timeouts.rfcDefaults()));
    }

    private static Optional<Credentials> credentials(Settings relay, TlsMode mode, Function<String, String> getenv) {
        Optional<String> user = relay.optionalString("user");
        Optional<String> passwordEnv = relay.optionalString("password-env");
        Optional<String> passwordFile = relay.optionalString("password-file");
        if (user.isEmpty()) {
            if (passwordEnv.isPresent() || passwordFile.isPresent()) {
                throw InvalidConfigException.missing(relay.fullKey("user"),
                        "password-env and password-file need a user");
            }
            return Optional.empty();
        }
        if (mode == TlsMode.NONE) {
            throw InvalidConfigException.invalid(relay.fullKey("tls"), "none",
                    "credentials are never sent without TLS: use starttls or implicit");
        }
        if (passwordEnv.isPresent() == passwordFile.isPresent()) {
            throw InvalidConfigException.missing(relay.fullKey("password-env"),
                    "a user needs exactly one of password-env or password-file");
        }
        char[] secret;
        if (passwordEnv.isPresent()) {
            String value = getenv.apply(passwordEnv.get());
            if (value == null || value.isEmpty()) {
                throw InvalidConfigException.invalid(relay.fullKey("password-env"), passwordEnv.get(),
                        "the environment variable is not set");
            }
            secret = value.toCharArray();
        } else {
            secret = readSecret(relay.fullKey("password-file"), Path.of(passwordFile.get()));
        }
        try {
            return Optional.of(Credentials.of(user.get(), secret));
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** The first line of a secret file (a trailing newline is not part of the secret). */
    static char[] readSecret(String key, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InvalidConfigException.invalid(key, file.toString(), "expected a readable UTF-8 file");
        }
        String secret = text.lines().findFirst().orElse("");
        if (secret.isEmpty()) {
            throw InvalidConfigException.invalid(key, file.toString(), "the file is empty");
        }
        return secret.toCharArray();
    }
}
