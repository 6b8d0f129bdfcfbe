package dev.netlab.mailclient.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DataEncoderTest {

    private static String encode(String content) {
        return new String(DataEncoder.encode(content.getBytes(StandardCharsets.UTF_8)).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void linesStartingWithADotGetOneMore() {
        assertThat(encode(".\r\n..\r\n.x\r\nx.\r\n")).isEqualTo("..\r\n...\r\n..x\r\nx.\r\n.\r\n");
    }

    @Test
    void bareLfAndBareCrBecomeCrlfAndTheLastLineIsTerminated() {
        assertThat(encode("a\nb\rc\r\nd")).isEqualTo("a\r\nb\r\nc\r\nd\r\n.\r\n");
        assertThat(DataEncoder.encode("a\nb".getBytes(StandardCharsets.US_ASCII)).lines()).isEqualTo(2);
    }

    @Test
    void aDotAfterABareLfIsStuffedToo() {
        assertThat(encode("a\n.\nb")).isEqualTo("a\r\n..\r\nb\r\n.\r\n");
    }

    @Test
    void lineOf998OctetsPassesAndLongerIsRefused() {
        assertThat(encode("x".repeat(998))).hasSize(998 + 2 + 3);
        assertThatThrownBy(() -> encode("ok\r\n" + "x".repeat(999))).hasMessageContaining("line 2");
    }

    @Test
    void emptyContentIsJustTheDot() {
        assertThat(encode("")).isEqualTo(".\r\n");
    }
}
