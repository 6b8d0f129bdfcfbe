package dev.netlab.webserver.files;

import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A file's precompressed forms beside it, {@code name.br} and {@code name.gz} (made at build time, as nginx's
 * gzip_static and brotli_static serve them): each counts when a request for its own name would be served (a regular
 * file, under the dotfile and symlink policies) and it is not older than the file, so a stale one is never sent.
 */
final class Precompressed {

    /** A usable sibling and the content coding it holds. */
    record Sibling(String coding, Resolution.File file) {
    }

    /** The suffixes looked for, in the server's order of preference at equal weight (brotli is smaller). */
    private static final List<String[]> FORMS = List.of(new String[] {"br", ".br"}, new String[] {"gzip", ".gz"});

    private Precompressed() {
    }

    /**
     * The usable siblings of {@code original}, in order of preference; none without a lookup when {@code absent}
     * knows the file has none under its directory's present stat.
     */
    static List<Sibling> find(PathResolver resolver, Resolution.File original, AbsentSiblings absent) {
        // Taken before the lookups: an entry made after it changes the directory's time.
        BasicFileAttributes directory = AbsentSiblings.directoryOf(original);
        if (directory != null && absent.known(original, directory)) {
            return List.of();
        }
        List<Sibling> found = find(resolver, original);
        if (found.isEmpty() && directory != null && noSiblingNamed(resolver, original)) {
            absent.remember(original, directory);
        }
        return found;
    }

    private static boolean noSiblingNamed(PathResolver resolver, Resolution.File original) {
        for (String[] form : FORMS) {
            if (resolver.siblingNamed(original, form[1])) {
                return false;
            }
        }
        return true;
    }

    /** The usable siblings of {@code original}, in order of preference, each looked up. */
    static List<Sibling> find(PathResolver resolver, Resolution.File original) {
        List<Sibling> found = new ArrayList<>(FORMS.size());
        for (String[] form : FORMS) {
            if (resolver.sibling(original, form[1]) instanceof Resolution.File file
                    && file.attributes().lastModifiedTime().compareTo(original.attributes().lastModifiedTime()) >= 0) {
                found.add(new Sibling(form[0], file));
            }
        }
        return found;
    }

    /** The codings of {@code siblings}, in their order. */
    static List<String> codings(List<Sibling> siblings) {
        return siblings.stream().map(Sibling::coding).toList();
    }

    /** The sibling holding {@code coding}. */
    static Resolution.File of(List<Sibling> siblings, String coding) {
        for (Sibling sibling : siblings) {
            if (sibling.coding().equals(coding)) {
                return sibling.file();
            }
        }
        throw new IllegalArgumentException(coding);
    }
}
