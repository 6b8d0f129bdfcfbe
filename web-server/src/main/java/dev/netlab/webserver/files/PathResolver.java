package dev.netlab.webserver.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps decoded path segments to a file under the root, one segment at a time like the JDK's Simple Web Server:
 * dot segments are removed first ("/a/../b" is "/b"; climbing above the root is refused), then each name is looked
 * up without following links, hidden names and links are checked against their policies, and whatever a link leads
 * to must stay under the root's real path. A name holding a separator ("%2f", "%5c", "\") names nothing.
 */
public final class PathResolver {

    private final Path root;
    private final DotfilePolicy dotfiles;
    private final SymlinkPolicy symlinks;

    private PathResolver(Path root, DotfilePolicy dotfiles, SymlinkPolicy symlinks) {
        this.root = root;
        this.dotfiles = dotfiles;
        this.symlinks = symlinks;
    }

    /**
     * A resolver over {@code root}, which must be an existing directory.
     *
     * @throws IOException when the root does not exist or is not a directory
     */
    public static PathResolver create(Path root, DotfilePolicy dotfiles, SymlinkPolicy symlinks) throws IOException {
        Path real = root.toAbsolutePath().toRealPath();
        if (!Files.isDirectory(real)) {
            throw new IOException("not a directory: " + root);
        }
        return new PathResolver(real, dotfiles, symlinks);
    }

    /** The root's real path. */
    public Path root() {
        return root;
    }

    /** Resolves a request path's segments. */
    public Resolution resolve(List<String> segments) {
        return resolve(plan(segments));
    }

    /**
     * The part of resolving {@code segments} that asks nothing of the file system (normalising, the dotfile policy,
     * the path of each step): the same for every request with these segments, so it can be kept and reused.
     */
    public Plan plan(List<String> segments) {
        List<String> names = normalise(segments);
        if (names == null) {
            return Plan.REFUSED;
        }
        Path[] paths = new Path[names.size()];
        Path current = root;
        for (int i = 0; i < paths.length; i++) {
            current = pathOf(current, names.get(i));
            if (current == null) {
                return Plan.REFUSED;
            }
            paths[i] = current;
        }
        return new Plan(List.copyOf(names), paths);
    }

    /** Resolves a path planned by {@link #plan}: every step is looked up in the file system now. */
    public Resolution resolve(Plan plan) {
        if (plan.names() == null) {
            return Resolution.NOT_FOUND;
        }
        List<String> names = plan.names();
        Path current = root;
        Path parent = root;
        BasicFileAttributes attributes = null;
        for (int i = 0; i < names.size(); i++) {
            if (attributes != null && !attributes.isDirectory()) {
                return Resolution.NOT_FOUND;
            }
            // The planned path holds while no link has replaced a directory on the way by its real path.
            Path planned = plan.path(i);
            Path next = current == (i == 0 ? root : plan.path(i - 1)) ? planned : pathOf(current, names.get(i));
            Step step = next == null ? null : look(next, false);
            if (step == null) {
                return Resolution.NOT_FOUND;
            }
            attributes = step.attributes();
            parent = current;
            current = step.path();
        }
        if (attributes == null || attributes.isDirectory()) {
            return new Resolution.Directory(current, names);
        }
        return file(current, attributes, parent, names.getLast());
    }

    /**
     * What {@link #plan} keeps of a request path: its normalised names and the path each is looked up at, or no
     * names when the path is refused whatever the file system holds.
     */
    public static final class Plan {

        static final Plan REFUSED = new Plan(null, new Path[0]);

        private final List<String> names;
        private final Path[] paths;

        private Plan(List<String> names, Path[] paths) {
            this.names = names;
            this.paths = paths;
        }

        /** The normalised names, or null when the path is refused. */
        public List<String> names() {
            return names;
        }

        /** The path of step {@code index} (the root joined with the names up to it), before links are followed. */
        Path path(int index) {
            return paths[index];
        }
    }

    private static Resolution file(Path path, BasicFileAttributes attributes, Path directory, String name) {
        return attributes.isRegularFile() ? new Resolution.File(path, attributes, directory, name) : Resolution.NOT_FOUND;
    }

    /** What {@code name} in {@code directory} (a resolved directory) resolves to: index.html, a listed entry. */
    public Resolution child(Resolution.Directory directory, String name) {
        List<String> names = new ArrayList<>(directory.segments());
        names.add(name);
        return resolve(names);
    }

    /**
     * Whether the entry {@code name} of {@code directory} may be listed: exactly when a request for it would be
     * served (so no FIFO, socket, hidden name, link out of the root or name no request can spell is linked).
     */
    public boolean listable(Resolution.Directory directory, String name) {
        return !RequestTarget.hasControl(name) && !(child(directory, name) instanceof Resolution.NotFound);
    }

    /**
     * What the name of {@code file} with {@code suffix} appended resolves to in the same directory: its precompressed
     * sibling ("a.css" and ".gz"), under the same policies as a request for that name (one lookup: the directory was
     * checked on the way to the file).
     */
    public Resolution sibling(Resolution.File file, String suffix) {
        String name = file.name() + suffix;
        Step step = step(file.directory(), name, true);
        return step == null ? Resolution.NOT_FOUND : file(step.path(), step.attributes(), file.directory(), name);
    }

    /**
     * Whether an entry named as {@code file} with {@code suffix} appended exists in its directory in any form (a link
     * not followed, a directory, an entry the policies refuse): only when none does may its absence be remembered.
     */
    public boolean siblingNamed(Resolution.File file, String suffix) {
        try {
            return Files.exists(file.directory().resolve(file.name() + suffix), LinkOption.NOFOLLOW_LINKS);
        } catch (InvalidPathException e) {
            return false;
        } catch (SecurityException e) {
            return true;
        }
    }

    /** The decoded URL path {@code segments} lead to ("/a/b.css", "/dir/" for a directory), for per-path rules. */
    static String urlPath(List<String> segments, boolean directory) {
        List<String> names = normalise(segments);
        String path = "/" + String.join("/", names == null ? List.of() : names);
        return directory && !path.endsWith("/") ? path + "/" : path;
    }

    /** Removes dot and empty segments; null when ".." climbs above the root or a name holds a separator. */
    private static List<String> normalise(List<String> segments) {
        List<String> names = new ArrayList<>(segments.size());
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (names.isEmpty()) {
                    return null;
                }
                names.remove(names.size() - 1);
                continue;
            }
            if (segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
                return null;
            }
            names.add(segment);
        }
        return names;
    }

    private record Step(Path path, BasicFileAttributes attributes) {
    }

    /**
     * {@code directory/name} if it exists and the policies allow it (a link replaced by its real path).
     *
     * @param likelyAbsent whether the name usually does not exist (a precompressed sibling): then a stat that reports
     *                     absence without an exception comes first (a thrown NoSuchFileException cost more than all
     *                     the rest of a cached answer)
     */
    private Step step(Path directory, String name, boolean likelyAbsent) {
        Path next = pathOf(directory, name);
        return next == null ? null : look(next, likelyAbsent);
    }

    /** {@code directory/name}, or null when the dotfile policy refuses the name or it is not one segment. */
    private Path pathOf(Path directory, String name) {
        if (dotfiles == DotfilePolicy.REFUSE && name.startsWith(".")) {
            return null;
        }
        Path next;
        try {
            next = directory.resolve(name);
        } catch (InvalidPathException e) {
            return null;
        }
        // The name must stay one segment: resolve() must not have interpreted it.
        return directory.equals(next.getParent()) ? next : null;
    }

    /** What is at {@code next} if it exists and the symlink policy allows it (a link replaced by its real path). */
    private Step look(Path next, boolean likelyAbsent) {
        if (likelyAbsent && absent(next)) {
            return null;
        }
        BasicFileAttributes own = attributes(next, LinkOption.NOFOLLOW_LINKS);
        if (own == null || !own.isSymbolicLink()) {
            return own == null ? null : new Step(next, own);
        }
        return switch (symlinks) {
            case REFUSE -> null;
            case FOLLOW -> {
                BasicFileAttributes target = attributes(next);
                yield target == null ? null : new Step(next, target);
            }
            case INSIDE_ROOT -> {
                try {
                    Path real = next.toRealPath();
                    BasicFileAttributes target = attributes(real);
                    yield real.startsWith(root) && target != null ? new Step(real, target) : null;
                } catch (IOException | SecurityException e) {
                    yield null;
                }
            }
        };
    }

    /**
     * Whether nothing usable is at {@code path}, links followed (access(2) on Unix: no exception, no attributes
     * object): then every policy resolves it to nothing, as a dangling link or an entry the server may not reach.
     */
    private static boolean absent(Path path) {
        try {
            return !Files.exists(path);
        } catch (SecurityException e) {
            return true;
        }
    }

    private static BasicFileAttributes attributes(Path path, LinkOption... options) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, options);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
