package dev.netlab.mailclient.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentTypesTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void signaturesDecideForBinaryFormatsWhateverTheName() {
        assertThat(ContentTypes.detect("x.bin", bytes(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0))).isEqualTo(
                "image/png");
        assertThat(ContentTypes.detect("photo", bytes(0xff, 0xd8, 0xff, 0xe0))).isEqualTo("image/jpeg");
        assertThat(ContentTypes.detect("a.gif", ascii("GIF89a..."))).isEqualTo("image/gif");
        assertThat(ContentTypes.detect("a.gif", ascii("GIF87a..."))).isEqualTo("image/gif");
        assertThat(ContentTypes.detect("a", ascii("RIFF\0\0\0\0WEBPVP8 "))).isEqualTo("image/webp");
        assertThat(ContentTypes.detect("doc.txt", ascii("%PDF-1.7\n"))).isEqualTo("application/pdf");
        assertThat(ContentTypes.detect("a.zip", bytes('P', 'K', 3, 4, 20, 0))).isEqualTo("application/zip");
    }

    @Test
    void namesDecideForTextFormatsWithoutNulBytes() {
        assertThat(ContentTypes.detect("notes.txt", ascii("hello"))).isEqualTo("text/plain");
        assertThat(ContentTypes.detect("page.HTML", ascii("<html>"))).isEqualTo("text/html");
        assertThat(ContentTypes.detect("page.htm", ascii("<html>"))).isEqualTo("text/html");
        assertThat(ContentTypes.detect("data.csv", ascii("a,b\n1,2"))).isEqualTo("text/csv");
        assertThat(ContentTypes.detect("notes.txt", bytes('a', 0, 'b'))).isEqualTo(ContentTypes.OCTET_STREAM);
    }

    @Test
    void aNameTheBytesContradictOrAnUnknownOneIsOctetStream() {
        assertThat(ContentTypes.detect("fake.png", ascii("not a png"))).isEqualTo(ContentTypes.OCTET_STREAM);
        assertThat(ContentTypes.detect("fake.pdf", ascii("hello"))).isEqualTo(ContentTypes.OCTET_STREAM);
        assertThat(ContentTypes.detect("program.exe", bytes('M', 'Z'))).isEqualTo(ContentTypes.OCTET_STREAM);
        assertThat(ContentTypes.detect("empty", new byte[0])).isEqualTo(ContentTypes.OCTET_STREAM);
    }
}
