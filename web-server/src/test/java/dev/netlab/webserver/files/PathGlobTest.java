package dev.netlab.webserver.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** URL path globs and the Cache-Control rules built on them. */
class PathGlobTest {

    @Test
    void starStaysInASegmentDoubleStarCrossesThem() {
        PathGlob glob = PathGlob.compile("/assets/*.js");
        assertThat(glob.matches("/assets/app.js")).isTrue();
        assertThat(glob.matches("/assets/x/app.js")).isFalse();
        assertThat(PathGlob.compile("/assets/**.js").matches("/assets/x/y/app.js")).isTrue();
        assertThat(PathGlob.compile("/**").matches("/")).isTrue();
        assertThat(PathGlob.compile("/?.txt").matches("/a.txt")).isTrue();
        assertThat(PathGlob.compile("/?.txt").matches("/ab.txt")).isFalse();
    }

    @Test
    void bracesAreAlternativesAndEverythingElseIsLiteral() {
        PathGlob glob = PathGlob.compile("/**.{css,js}");
        assertThat(glob.matches("/a/b.css")).isTrue();
        assertThat(glob.matches("/b.js")).isTrue();
        assertThat(glob.matches("/b.html")).isFalse();
        assertThat(PathGlob.compile("/a.b(c)[d]+$").matches("/a.b(c)[d]+$")).isTrue();
        assertThat(PathGlob.compile("/a.b").matches("/axb")).isFalse();
    }

    @Test
    void badGlobsAreRefusedWithAReason() {
        assertThatThrownBy(() -> PathGlob.compile("*.js")).hasMessageContaining("starting with /");
        assertThatThrownBy(() -> PathGlob.compile("/{a,{b}}")).hasMessageContaining("no {");
        assertThatThrownBy(() -> PathGlob.compile("/{a")).hasMessageContaining("}");
        assertThatThrownBy(() -> PathGlob.compile("/a}")).hasMessageContaining("{");
        assertThatThrownBy(() -> PathGlob.compile("/a\nb")).hasMessageContaining("control");
    }

    @Test
    void theFirstMatchingRuleWinsElseTheDefault() {
        CacheControlRules rules = new CacheControlRules(List.of(
                new CacheControlRules.Rule(PathGlob.compile("/assets/**"), "max-age=31536000, immutable"),
                new CacheControlRules.Rule(PathGlob.compile("/**.js"), "no-store")), "no-cache");
        assertThat(rules.valueFor("/assets/app.js")).isEqualTo("max-age=31536000, immutable");
        assertThat(rules.valueFor("/app.js")).isEqualTo("no-store");
        assertThat(rules.valueFor("/index.html")).isEqualTo("no-cache");
        assertThat(CacheControlRules.NONE.valueFor("/")).isNull();
    }

    @Test
    void valuesMustBeDirectives() {
        assertThat(CacheControlRules.checkValue("max-age=60, public")).isEqualTo("max-age=60, public");
        assertThat(CacheControlRules.checkValue("private=\"Set-Cookie\",no-cache")).isNotNull();
        for (String bad : List.of("", "max-age 60", "max-age=60,", "a\r\nSet-Cookie: x=1", "max-age=\"60",
                "max-age=60;", "\u00e9t\u00e9")) {
            assertThatThrownBy(() -> CacheControlRules.checkValue(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
