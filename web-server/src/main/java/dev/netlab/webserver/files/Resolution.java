package dev.netlab.webserver.files;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/** Where a request path leads. Every refusal (missing, hidden, outside the root) is the same {@link NotFound}. */
public sealed interface Resolution {

    /**
     * A regular file under the root.
     *
     * @param path       where it is (a link's real target under the inside-root policy)
     * @param attributes its stat
     * @param directory  the directory its name was looked up in, every step to it checked
     * @param name       the name it was asked for (its precompressed siblings are this name plus a suffix)
     */
    record File(Path path, BasicFileAttributes attributes, Path directory, String name) implements Resolution {
    }

    /**
     * A directory under the root.
     *
     * @param segments the normalised path segments that led here (for the listing's title and the redirect)
     */
    record Directory(Path path, List<String> segments) implements Resolution {
    }

    /** Nothing this server will serve. */
    record NotFound() implements Resolution {
    }

    Resolution NOT_FOUND = new NotFound();
}
