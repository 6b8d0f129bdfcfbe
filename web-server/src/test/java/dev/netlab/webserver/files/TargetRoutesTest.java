package dev.netlab.webserver.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.webserver.http.HttpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetRoutesTest {

    @TempDir
    Path root;
    TargetRoutes routes;

    @BeforeEach
    void routes() throws IOException {
        PathResolver resolver = PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.INSIDE_ROOT);
        routes = new TargetRoutes(resolver, new CacheControlRules(
                List.of(new CacheControlRules.Rule(PathGlob.compile("/assets/**"), "max-age=60")), null));
    }

    @Test
    void aTargetIsWorkedOutOnceAndKept() throws Exception {
        TargetRoutes.Route first = routes.route("/assets/a/../app.css?v=2");
        assertThat(first.target().query()).isEqualTo("v=2");
        assertThat(first.plan().names()).containsExactly("assets", "app.css");
        assertThat(first.type()).startsWith("text/css");
        assertThat(first.cacheControl()).isEqualTo("max-age=60");
        assertThat(routes.route("/assets/a/../app.css?v=2")).isSameAs(first);
        assertThat(routes.size()).isEqualTo(1);
    }

    @Test
    void aRefusedPathIsPlannedAsRefused() throws Exception {
        assertThat(routes.route("/../etc/passwd").plan().names()).isNull();
        assertThat(routes.route("/.git/config").plan().names()).isNull();
        assertThat(routes.route("/").plan().names()).isEmpty();
    }

    @Test
    void aTargetThatDoesNotParseIsRefusedAndNotKept() {
        assertThatThrownBy(() -> routes.route("/bad%zz")).isInstanceOf(HttpException.class);
        assertThat(routes.size()).isZero();
    }

    @Test
    void longAndDeepTargetsAreNotKeptAndTheMemoryIsBounded() throws Exception {
        String longTarget = "/" + "a".repeat(TargetRoutes.MAX_TARGET_CHARS);
        assertThat(routes.route(longTarget).plan().names()).containsExactly("a".repeat(TargetRoutes.MAX_TARGET_CHARS));
        assertThat(routes.size()).isZero();
        String deep = "/d".repeat(TargetRoutes.MAX_SEGMENTS + 1);
        assertThat(routes.route(deep).plan().names()).hasSize(TargetRoutes.MAX_SEGMENTS + 1);
        assertThat(routes.size()).isZero();
        routes.route("/d".repeat(TargetRoutes.MAX_SEGMENTS));
        assertThat(routes.size()).isOne();
        for (int i = 0; i <= TargetRoutes.MAX_ENTRIES; i++) {
            routes.route("/file-" + i);
        }
        assertThat(routes.size()).isBetween(1, TargetRoutes.MAX_ENTRIES);
    }
}
