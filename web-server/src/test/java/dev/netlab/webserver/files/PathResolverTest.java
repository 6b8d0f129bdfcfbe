package dev.netlab.webserver.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.webserver.http.HttpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathResolverTest {

    @TempDir
    Path base;
    Path root;

    @BeforeEach
    void site() throws IOException {
        root = Files.createDirectories(base.resolve("www"));
        Files.writeString(base.resolve("secret.txt"), "outside");
        Files.writeString(root.resolve("page.html"), "inside");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/deep.txt"), "deep");
        Files.writeString(root.resolve(".env"), "hidden");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "hidden");
        Files.createSymbolicLink(root.resolve("out-file"), base.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("out-dir"), base);
        Files.createSymbolicLink(root.resolve("in-file"), root.resolve("page.html"));
        Files.createSymbolicLink(root.resolve("in-dir"), root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("sub/up"), Path.of(".."));
    }

    private Resolution resolve(PathResolver resolver, String target) throws HttpException {
        return resolver.resolve(RequestTarget.parse(target).segments());
    }

    private PathResolver defaults() throws IOException {
        return PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.INSIDE_ROOT);
    }

    @Test
    void findsFilesAndDirectories() throws Exception {
        Path expected = root.toRealPath().resolve("page.html");
        assertThat(resolve(defaults(), "/page.html")).isInstanceOfSatisfying(Resolution.File.class,
                f -> assertThat(f.path()).isEqualTo(expected));
        assertThat(resolve(defaults(), "/sub/deep.txt")).isInstanceOf(Resolution.File.class);
        assertThat(resolve(defaults(), "/sub")).isInstanceOfSatisfying(Resolution.Directory.class,
                d -> assertThat(d.segments()).containsExactly("sub"));
        assertThat(resolve(defaults(), "/")).isInstanceOf(Resolution.Directory.class);
        assertThat(resolve(defaults(), "/missing")).isInstanceOf(Resolution.NotFound.class);
        assertThat(resolve(defaults(), "/page.html/x")).isInstanceOf(Resolution.NotFound.class);
    }

    @Test
    void aFileReachedThroughALinkedDirectoryIsWhereItReallyIs() throws Exception {
        Path sub = root.toRealPath().resolve("sub");
        assertThat(resolve(defaults(), "/in-dir/deep.txt")).isInstanceOfSatisfying(Resolution.File.class, f -> {
            assertThat(f.path()).isEqualTo(sub.resolve("deep.txt"));
            assertThat(f.directory()).isEqualTo(sub);
        });
    }

    @Test
    void aPlanKeptAcrossRequestsResolvesWhatIsThereNow() throws Exception {
        PathResolver resolver = defaults();
        PathResolver.Plan plan = resolver.plan(RequestTarget.parse("/sub/deep.txt").segments());
        assertThat(resolver.resolve(plan)).isInstanceOf(Resolution.File.class);
        Files.move(root.resolve("sub"), base.resolve("moved-sub"));
        assertThat(resolver.resolve(plan)).isInstanceOf(Resolution.NotFound.class);
        Files.createSymbolicLink(root.resolve("sub"), base.resolve("moved-sub"));
        assertThat(resolver.resolve(plan)).isInstanceOf(Resolution.NotFound.class);
        Files.delete(root.resolve("sub"));
        Files.move(base.resolve("moved-sub"), root.resolve("sub"));
        assertThat(resolver.resolve(plan)).isInstanceOf(Resolution.File.class);
    }

    @Test
    void dotSegmentsInsideTheRootAreNormalised() throws Exception {
        assertThat(resolve(defaults(), "/sub/../page.html")).isInstanceOf(Resolution.File.class);
        assertThat(resolve(defaults(), "/./sub/%2e/deep.txt")).isInstanceOf(Resolution.File.class);
        assertThat(resolve(defaults(), "//sub//deep.txt")).isInstanceOf(Resolution.File.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2e/secret.txt", "/.%2e/secret.txt",
        "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt", "/sub%2f..%2f..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt",
        "/sub\\..\\..\\secret.txt", "/%252e%252e/secret.txt",
        "http://host/../secret.txt",
        "/out-file", "/out-dir/secret.txt", "/out-dir/www/page.html", "/sub/up/../secret.txt",
    })
    void nothingOutsideTheRootIsReachable(String target) throws Exception {
        assertThat(resolve(defaults(), target)).isInstanceOf(Resolution.NotFound.class);
    }

    @Test
    void linksInsideTheRootAreFollowedByDefault() throws Exception {
        assertThat(resolve(defaults(), "/in-file")).isInstanceOf(Resolution.File.class);
        assertThat(resolve(defaults(), "/in-dir/deep.txt")).isInstanceOf(Resolution.File.class);
        assertThat(resolve(defaults(), "/sub/up/page.html")).isInstanceOf(Resolution.File.class);
    }

    @Test
    void refusingLinksRefusesEveryLink() throws Exception {
        PathResolver strict = PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.REFUSE);
        assertThat(resolve(strict, "/in-file")).isInstanceOf(Resolution.NotFound.class);
        assertThat(resolve(strict, "/in-dir/deep.txt")).isInstanceOf(Resolution.NotFound.class);
        assertThat(resolve(strict, "/page.html")).isInstanceOf(Resolution.File.class);
    }

    @Test
    void followingLinksReachesTheirTargets() throws Exception {
        PathResolver open = PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.FOLLOW);
        assertThat(resolve(open, "/out-file")).isInstanceOf(Resolution.File.class);
        // Dot segments still cannot climb: they are removed before any lookup.
        assertThat(resolve(open, "/../secret.txt")).isInstanceOf(Resolution.NotFound.class);
    }

    @Test
    void hiddenNamesAreRefusedUnlessServed() throws Exception {
        assertThat(resolve(defaults(), "/.env")).isInstanceOf(Resolution.NotFound.class);
        assertThat(resolve(defaults(), "/.git/config")).isInstanceOf(Resolution.NotFound.class);
        assertThat(resolve(defaults(), "/%2egit/config")).isInstanceOf(Resolution.NotFound.class);
        PathResolver serving = PathResolver.create(root, DotfilePolicy.SERVE, SymlinkPolicy.INSIDE_ROOT);
        assertThat(resolve(serving, "/.env")).isInstanceOf(Resolution.File.class);
        assertThat(resolve(serving, "/.git/config")).isInstanceOf(Resolution.File.class);
    }

    @Test
    void listingsLeaveOutWhatCannotBeRequested() throws Exception {
        PathResolver resolver = defaults();
        Resolution.Directory top = (Resolution.Directory) resolve(resolver, "/");
        assertThat(resolver.listable(top, "page.html")).isTrue();
        assertThat(resolver.listable(top, ".env")).isFalse();
        assertThat(resolver.listable(top, "out-file")).isFalse();
    }
}
