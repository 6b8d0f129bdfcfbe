package dev.netlab.mailclient.smtp;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * How the server's certificate is checked.
 *
 * @param mode      how TLS starts
 * @param caFile    PEM file of trusted CA certificates replacing the JDK's trust store
 * @param pinSha256 SHA-256 of the server's SubjectPublicKeyInfo: when set, it replaces the CA and host name check
 * @param insecure  no verification at all (the transcript says so on every run)
 */
public record TlsOptions(TlsMode mode, Optional<Path> caFile, Optional<byte[]> pinSha256, boolean insecure) {

    public TlsOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(caFile, "caFile");
        pinSha256 = pinSha256.map(byte[]::clone);
        if (pinSha256.isPresent() && pinSha256.get().length != 32) {
            throw new IllegalArgumentException("a SHA-256 pin is 32 bytes, got " + pinSha256.get().length);
        }
    }

    /** Verified against the JDK's trust store, host name included. */
    public static TlsOptions verified(TlsMode mode) {
        return new TlsOptions(mode, Optional.empty(), Optional.empty(), false);
    }

    /** Decodes a base64 pin as {@code --pin-sha256} takes it (the form {@code openssl ... | base64} prints). */
    public static byte[] decodePin(String base64) {
        byte[] pin;
        try {
            pin = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pin is not base64: " + e.getMessage());
        }
        if (pin.length != 32) {
            throw new IllegalArgumentException("a SHA-256 pin is 32 bytes (44 base64 characters), got " + pin.length);
        }
        return pin;
    }
}
