package dev.netlab.mailclient.smtp;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything a session needs to reach and greet a server.
 *
 * @param host        server name or address; the certificate must match it
 * @param port        TCP port
 * @param tls         how TLS starts and how the certificate is checked
 * @param credentials user and secret for AUTH, when the server needs them
 * @param auth        a forced mechanism; empty chooses the strongest the server offers
 * @param ehloName    the name EHLO/HELO sends; empty uses the local address literal ({@code [127.0.0.1]})
 * @param timeouts    per-stage timeouts
 */
public record SessionOptions(String host, int port, TlsOptions tls, Optional<Credentials> credentials,
                             Optional<AuthMechanism> auth, Optional<String> ehloName, Timeouts timeouts) {

    public SessionOptions {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(ehloName, "ehloName");
        Objects.requireNonNull(timeouts, "timeouts");
        if (credentials.isPresent() && tls.mode() == TlsMode.NONE) {
            throw new IllegalArgumentException("credentials are never sent without TLS (TLS mode none)");
        }
        ehloName.ifPresent(name -> {
            if (name.isEmpty() || !name.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
                throw new IllegalArgumentException("EHLO name must be printable ASCII without spaces");
            }
        });
    }
}
