package dev.netlab.mailclient.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@code allowed-senders} folds ASCII letters only: no Unicode case mapping lets another sender pass. */
class LimitsTest {

    @Test
    void asciiCaseIsFoldedWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            Limits limits = new Limits(1024, 1, List.of("Billing@Example.ORG"));
            assertThat(limits.allowsSender("billing@example.org")).isTrue();
            assertThat(limits.allowsSender("BILLING@EXAMPLE.ORG")).isTrue();
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void lettersThatUnicodeFoldsToAsciiDoNotPassForAnAllowedSender() {
        Limits limits = new Limits(1024, 1, List.of("kim@example.org", "info@example.org"));
        // KELVIN SIGN lower-cases to k, LATIN CAPITAL I WITH DOT ABOVE to i + a combining dot.
        assertThat(limits.allowsSender("\u212Aim@example.org")).isFalse();
        assertThat(limits.allowsSender("\u0130nfo@example.org")).isFalse();
        assertThat(limits.allowsSender("\u0131nfo@example.org")).isFalse();
        // Nor does a configured non-ASCII entry admit the ASCII address it would fold to.
        Limits kelvin = new Limits(1024, 1, List.of("\u212Aim@example.org"));
        assertThat(kelvin.allowsSender("kim@example.org")).isFalse();
        assertThat(kelvin.allowsSender("\u212Aim@example.org")).isTrue();
    }
}
