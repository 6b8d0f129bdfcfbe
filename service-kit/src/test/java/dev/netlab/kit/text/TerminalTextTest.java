package dev.netlab.kit.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void aHostileGreetingCannotRetitleOrClearTheTerminal() {
        assertThat(TerminalText.escape("220 \u001b]0;pwned\u0007hi\u001b[2J"))
                .isEqualTo("220 \\x1b]0;pwned\\x07hi\\x1b[2J");
    }

    @Test
    void everyC0C1AndDelCharacterIsEscapedAndNothingElse() {
        for (char c = 0; c < 0x200; c++) {
            String escaped = TerminalText.escape(String.valueOf(c));
            boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
            if (control) {
                assertThat(escaped).as("U+%04X", (int) c).startsWith("\\").doesNotContain(String.valueOf(c));
            } else {
                assertThat(escaped).as("U+%04X", (int) c).isEqualTo(String.valueOf(c));
            }
        }
        assertThat(TerminalText.escape("a\nb\rc\td\u007fe\u009bf\u0000")).isEqualTo("a\\nb\\rc\\td\\x7fe\\x9bf\\x00");
    }

    @Test
    void bidirectionalOverridesCannotReorderWhatTheUserReads() {
        assertThat(TerminalText.escape("file\u202Etxt.exe \u2066x\u2069 \u200F")).isEqualTo(
                "file\\u202etxt.exe \\u2066x\\u2069 \\u200f");
    }

    @Test
    void plainTextIsReturnedAsIs() {
        assertThat(TerminalText.escape("PING: 1 2026-01-01 00:00:00.000001 é ü 日本")).isEqualTo(
                "PING: 1 2026-01-01 00:00:00.000001 é ü 日本");
        assertThat(TerminalText.escape(null)).isEqualTo("null");
    }
}
