package dev.netlab.watch;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** The characters a frame is drawn with: block elements on a UTF-8 terminal, plain ASCII elsewhere. */
record Glyphs(String bars, char lost, char more, char separator) {

    static final Glyphs UNICODE = new Glyphs("\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588", '\u00d7', '\u2026', '\u00b7');
    static final Glyphs ASCII = new Glyphs("_.-~=+*#", 'x', '~', '-');

    static Glyphs forCharset(Charset charset) {
        return StandardCharsets.UTF_8.equals(charset) ? UNICODE : ASCII;
    }
}
