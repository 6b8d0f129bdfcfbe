package dev.netlab.mailclient.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The {@code Authorization: Bearer <token>} check. Both sides are hashed to SHA-256 first and compared with
 * {@link MessageDigest#isEqual}, so the time taken says nothing about the token, not even its length.
 */
final class BearerToken {

    private static final String PREFIX = "Bearer ";

    private final Optional<byte[]> expectedHash;

    BearerToken(Optional<byte[]> token) {
        this.expectedHash = token.map(BearerToken::sha256);
    }

    /** Whether the API needs a token at all. */
    boolean required() {
        return expectedHash.isPresent();
    }

    /** Whether {@code authorization} (the header's value, if any) carries the token; always true without one. */
    boolean admits(Optional<String> authorization) {
        if (expectedHash.isEmpty()) {
            return true;
        }
        String given = authorization.filter(h -> h.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
                .map(h -> h.substring(PREFIX.length()).strip()).orElse("");
        return MessageDigest.isEqual(expectedHash.get(), sha256(given.getBytes(StandardCharsets.UTF_8)))
                && !given.isEmpty();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
