package dev.netlab.webserver.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MimeTypesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "index.html|text/html; charset=utf-8",
        "style.CSS|text/css; charset=utf-8",
        "app.js|text/javascript; charset=utf-8",
        "mod.mjs|text/javascript; charset=utf-8",
        "data.json|application/json; charset=utf-8",
        "logo.svg|image/svg+xml; charset=utf-8",
        "a.png|image/png",
        "a.jpg|image/jpeg",
        "a.gif|image/gif",
        "a.webp|image/webp",
        "favicon.ico|image/x-icon",
        "m.wasm|application/wasm",
        "notes.txt|text/plain; charset=utf-8",
        "README.md|text/markdown; charset=utf-8",
        "doc.pdf|application/pdf",
        "f.woff2|font/woff2",
        "v.mp4|video/mp4",
        "archive.unknown|application/octet-stream",
        "Makefile|application/octet-stream",
        "trailing.|application/octet-stream",
    })
    void typesFollowTheExtension(String name, String type) {
        assertThat(MimeTypes.forFileName(name)).isEqualTo(type);
    }
}
