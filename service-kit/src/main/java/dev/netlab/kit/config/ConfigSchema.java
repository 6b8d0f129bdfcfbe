package dev.netlab.kit.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The keys a service knows and the shape of each (a single value, a map, a list): every key of its bundled
 * {@code application.yaml}, which documents them all, plus optional keys without a default, declared as patterns in
 * which {@code *} stands for any one name or list index ({@code pingclient.targets.*.labels.*}). Only keys under the
 * service's own roots (the top-level names of its {@code application.yaml}) are checked: the environment may carry
 * anything else.
 */
public final class ConfigSchema {

    /** Checks nothing: for tests that read one configuration class. */
    public static final ConfigSchema NONE = new ConfigSchema(Map.of());

    private static final String ANY = "*";
    private static final int SHOWN_LENGTH = 60;

    /** The shape a key's value must have. */
    private enum Shape {
        VALUE, MAP, LIST,
        /** A map or a list, implied by an optional key's pattern. */
        ENTRIES;

        boolean accepts(Config.Type type) {
            return switch (this) {
                case VALUE -> type == Config.Type.VALUE;
                case MAP -> type == Config.Type.OBJECT;
                case LIST -> type == Config.Type.LIST;
                case ENTRIES -> type == Config.Type.OBJECT || type == Config.Type.LIST;
            };
        }

        static Shape of(Config.Type type) {
            return switch (type) {
                case OBJECT -> MAP;
                case LIST -> LIST;
                default -> VALUE;
            };
        }
    }

    private final Map<List<String>, Shape> shapes;
    private final Set<String> roots;
    private final List<List<String>> leaves;
    private final Set<String> longLists;

    private ConfigSchema(Map<List<String>, Shape> shapes) {
        this(shapes, Set.of());
    }

    private ConfigSchema(Map<List<String>, Shape> shapes, Set<String> longLists) {
        this.shapes = shapes;
        this.roots = shapes.keySet().stream().map(List::getFirst).collect(Collectors.toUnmodifiableSet());
        this.leaves = shapes.keySet().stream().filter(key -> !hasChildren(shapes, key)).toList();
        this.longLists = longLists;
    }

    /** The schema of {@code defaults} (a service's {@code application.yaml}) plus {@code optionalKeys}. */
    public static ConfigSchema of(Config defaults, Collection<String> optionalKeys) {
        Map<List<String>, Shape> shapes = new LinkedHashMap<>();
        addDefaults(new Node.Tree(defaults), List.of(), shapes);
        for (String key : optionalKeys) {
            List<String> segments = List.of(key.split("\\."));
            for (int i = 1; i < segments.size(); i++) {
                shapes.putIfAbsent(segments.subList(0, i), Shape.ENTRIES);
            }
            shapes.putIfAbsent(segments, Shape.VALUE);
        }
        return new ConfigSchema(Map.copyOf(shapes));
    }

    /** The schema of the {@code application.yaml} on the classpath plus {@code optionalKeys}. */
    public static ConfigSchema ofClasspath(Collection<String> optionalKeys) {
        return of(ConfigLoader.tree(ConfigSources.classpath("application.yaml").optional(true)), optionalKeys);
    }

    /**
     * The schema of the {@code application.yaml} on the classpath plus {@code optionalKeys}, whose lists at
     * {@code longLists} ({@code pingclient.targets}) may hold thousands of entries: {@link ConfigLoader} reads those
     * from the YAML documents and never builds them into Helidon's tree, whose list handling is quadratic in a list's
     * length (5,000 entries: tens of seconds and hundreds of MiB).
     *
     * @throws IllegalArgumentException when a key of {@code longLists} is not a list of {@code application.yaml}
     */
    public static ConfigSchema ofClasspath(Collection<String> optionalKeys, Collection<String> longLists) {
        ConfigSchema schema = ofClasspath(optionalKeys);
        for (String key : longLists) {
            if (schema.shapes.get(List.of(key.split("\\."))) != Shape.LIST) {
                throw new IllegalArgumentException(key + " is not a list of application.yaml");
            }
        }
        return new ConfigSchema(schema.shapes, Set.copyOf(longLists));
    }

    /** The top-level names whose keys this schema checks. */
    public Set<String> roots() {
        return roots;
    }

    /** The keys of the lists read from the YAML documents rather than Helidon's tree. */
    Set<String> longLists() {
        return longLists;
    }

    private static void addDefaults(Node node, List<String> path, Map<List<String>, Shape> shapes) {
        for (Node child : node.children()) {
            List<String> childPath = append(path, node.type() == Config.Type.LIST ? ANY : child.name());
            shapes.putIfAbsent(childPath, Shape.of(child.type()));
            addDefaults(child, childPath, shapes);
        }
    }

    /**
     * Checks every key of {@code tree} under our roots, which came from {@code origin} ({@code in FILE}).
     *
     * @throws InvalidConfigException for the first unknown key or value of the wrong shape
     */
    void check(Node tree, String origin) {
        for (Node child : tree.children()) {
            if (roots.contains(child.name())) {
                checkNode(child, List.of(child.name()), origin);
            }
        }
    }

    void checkNode(Node node, List<String> path, String origin) {
        Shape expected = shape(path).orElseThrow(() -> unknown(firstLeaf(node, path), origin, false));
        if (!expected.accepts(node.type())) {
            throw InvalidConfigException.invalidFrom(String.join(".", path), shown(node), origin,
                    "expected " + describe(expected, path) + ", not " + noun(node));
        }
        for (Node child : node.children()) {
            checkNode(child, append(path, child.name()), origin);
        }
    }

    /**
     * Checks a key set to a single value by {@code origin} (an environment variable), which sets nothing else.
     *
     * @throws InvalidConfigException when the key is unknown or does not hold a single value
     */
    void checkValue(String key, String value, String origin) {
        List<String> path = List.of(key.split("\\."));
        if (!roots.contains(path.getFirst())) {
            return;
        }
        for (int i = 1; i <= path.size(); i++) {
            if (shape(path.subList(0, i)).isEmpty()) {
                throw unknown(path, origin, true);
            }
        }
        Shape expected = shape(path).orElseThrow();
        if (expected != Shape.VALUE) {
            throw InvalidConfigException.invalidFrom(key, "'" + value + "'", origin, "expected "
                    + describe(expected, path) + ", which the --config file sets: the environment sets single values");
        }
    }

    private Optional<Shape> shape(List<String> path) {
        Shape best = null;
        long fewestWildcards = Long.MAX_VALUE;
        for (Map.Entry<List<String>, Shape> entry : shapes.entrySet()) {
            List<String> pattern = entry.getKey();
            if (matches(pattern, path)) {
                long wildcards = pattern.stream().filter(ANY::equals).count();
                if (wildcards < fewestWildcards) {
                    best = entry.getValue();
                    fewestWildcards = wildcards;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean matches(List<String> pattern, List<String> path) {
        if (pattern.size() != path.size()) {
            return false;
        }
        for (int i = 0; i < pattern.size(); i++) {
            if (!pattern.get(i).equals(ANY) && !pattern.get(i).equals(path.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** An unknown key, with the closest known one (and, for the environment, the variable that sets it). */
    private InvalidConfigException unknown(List<String> path, String origin, boolean variable) {
        String key = String.join(".", path);
        // A pattern with a wildcard borrows the mistyped key's own names, so it is only a fair suggestion under the
        // same root (metrics.tags.* must not answer webserver.limits.x with metrics.tags.x).
        List<String> known = leaves.stream()
                .filter(pattern -> !pattern.contains(ANY) || pattern.get(0).equals(path.get(0)))
                .map(pattern -> render(pattern, path)).sorted().toList();
        String closest = ClosestKey.among(key, known).orElse("no key");
        if (variable && !known.isEmpty()) {
            closest += " (" + EnvironmentKeys.variableOf(closest) + ")";
        }
        return InvalidConfigException.unknownKey(key, origin, closest);
    }

    /** {@code pattern} with each {@code *} replaced by the name at the same place in {@code path}. */
    private static String render(List<String> pattern, List<String> path) {
        List<String> names = new ArrayList<>(pattern);
        for (int i = 0; i < names.size() && i < path.size(); i++) {
            if (names.get(i).equals(ANY)) {
                names.set(i, path.get(i));
            }
        }
        return String.join(".", names);
    }

    private String describe(Shape shape, List<String> path) {
        return switch (shape) {
            case VALUE -> "a single value";
            case LIST -> "a list";
            case ENTRIES -> "a map or a list of entries";
            case MAP -> {
                List<String> children = shapes.keySet().stream()
                        .filter(key -> key.size() == path.size() + 1 && matches(key.subList(0, path.size()), path))
                        .map(List::getLast).filter(name -> !name.equals(ANY)).sorted().toList();
                yield children.isEmpty() ? "a map of names to values"
                        : "a map with the keys " + String.join(", ", children);
            }
        };
    }

    private static String noun(Node node) {
        return switch (node.type()) {
            case OBJECT -> "a map";
            case LIST -> "a list";
            default -> node.value().orElse("").isEmpty() ? "an empty value" : "a single value";
        };
    }

    /** The value as YAML's flow style writes it, cut short: {@code 'text'}, {@code {a: 1}}, {@code [1, 2]}. */
    private static String shown(Node node) {
        String text = flow(node, true);
        return text.length() <= SHOWN_LENGTH ? text : text.substring(0, SHOWN_LENGTH - 3) + "...";
    }

    private static String flow(Node node, boolean quoted) {
        return switch (node.type()) {
            case OBJECT -> node.children().stream().map(c -> c.name() + ": " + flow(c, false))
                    .collect(Collectors.joining(", ", "{", "}"));
            case LIST -> node.children().stream().map(c -> flow(c, false)).collect(Collectors.joining(", ", "[", "]"));
            default -> quoted ? "'" + node.value().orElse("") + "'" : node.value().orElse("");
        };
    }

    private static List<String> firstLeaf(Node node, List<String> path) {
        List<Node> children = node.children();
        return children.isEmpty() ? path : firstLeaf(children.getFirst(), append(path, children.getFirst().name()));
    }

    private static boolean hasChildren(Map<List<String>, Shape> shapes, List<String> key) {
        return shapes.keySet().stream()
                .anyMatch(other -> other.size() == key.size() + 1 && other.subList(0, key.size()).equals(key));
    }

    private static List<String> append(List<String> path, String name) {
        List<String> longer = new ArrayList<>(path);
        longer.add(name);
        return List.copyOf(longer);
    }
}
