package dev.netlab.kit.config;

import io.helidon.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Typed, validated access to a service's configuration. Every accessor either returns a usable value or throws
 * {@link InvalidConfigException} naming the full key, the value found and what is allowed; services read all their
 * settings before binding anything, so a bad value stops startup with exit code 2.
 *
 * <p>Keys are relative to this node; {@link #child(String)} narrows to a section such as
 * {@code pingserver.listeners.lab} while messages keep naming the full key. A long list (see
 * {@link ConfigSchema#ofClasspath(java.util.Collection, java.util.Collection)}) is read from the YAML document instead
 * of Helidon's tree, through the same accessors and {@link #list(String)}.
 */
public final class Settings {

    private final Node node;
    private final ConfigOrigins origins;
    /** The long lists, by full key: each read from its YAML document, the environment's values applied. */
    private final Map<String, Node> longLists;

    private Settings(Node node, ConfigOrigins origins, Map<String, Node> longLists) {
        this.node = node;
        this.origins = origins;
        this.longLists = longLists;
    }

    /** Settings over a Helidon config tree (usually from {@link ConfigLoader}). */
    public static Settings of(Config config) {
        return new Settings(new Node.Tree(config), ConfigOrigins.NONE, Map.of());
    }

    static Settings of(Config config, ConfigOrigins origins, Map<String, Node> longLists) {
        return new Settings(new Node.Tree(config), origins, Map.copyOf(longLists));
    }

    /** The section under {@code key}, present or not. */
    public Settings child(String key) {
        return new Settings(at(key), origins, longLists);
    }

    /**
     * The entries of the list at {@code key}, each as settings whose messages name its index
     * ({@code pingclient.targets.3.host}); none when the key is absent.
     *
     * @throws InvalidConfigException when the key holds a single value
     */
    public List<Settings> list(String key) {
        Node list = at(key);
        if (list.type() == Config.Type.VALUE) {
            throw InvalidConfigException.invalid(fullKey(key), list.value().orElse(""), "expected a list");
        }
        return list.children().stream().map(entry -> new Settings(entry, origins, longLists)).toList();
    }

    /** {@code error} saying where its value came from, when that was not the defaults: a variable, a file, an option. */
    public InvalidConfigException attributed(InvalidConfigException error) {
        return origins.of(error.key()).map(error::from).orElse(error);
    }

    /**
     * The raw Helidon node, for structures that a service maps itself; a long list is not in it (read it with
     * {@link #list(String)}).
     *
     * @throws IllegalStateException for settings inside a long list, which has no Helidon node
     */
    public Config raw() {
        if (node instanceof Node.Tree tree) {
            return tree.config();
        }
        throw new IllegalStateException(node.key() + " is read from its YAML document, not from Helidon's tree");
    }

    /** The full key of {@code key} below this node, as messages show it. */
    public String fullKey(String key) {
        String base = node.key();
        return base.isEmpty() ? key : base + "." + key;
    }

    /** Whether {@code key} has a value or children. */
    public boolean has(String key) {
        return at(key).exists();
    }

    /** A required string value. */
    public String string(String key) {
        return optionalString(key).orElseThrow(() -> InvalidConfigException.missing(fullKey(key), "a text value"));
    }

    /** A string value, or empty when the key is absent or blank. */
    public Optional<String> optionalString(String key) {
        Node value = at(key);
        if (value.type() == Config.Type.OBJECT || value.type() == Config.Type.LIST) {
            // An object or list where a scalar belongs.
            throw InvalidConfigException.invalid(fullKey(key), "<" + value.type() + ">", "a single value");
        }
        return value.value().map(String::strip).filter(s -> !s.isEmpty());
    }

    /** A required integer within {@code [min, max]}. */
    public int integer(String key, int min, int max) {
        return (int) longValue(key, min, max);
    }

    /** A required long within {@code [min, max]}. */
    public long longValue(String key, long min, long max) {
        String value = required(key, "an integer from " + min + " to " + max);
        try {
            long parsed = Long.parseLong(value.replace("_", ""));
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw InvalidConfigException.invalid(fullKey(key), value, "expected an integer from " + min + " to " + max);
    }

    /** A TCP or UDP port; 0 asks the system for a free one. */
    public int port(String key) {
        return integer(key, 0, 65_535);
    }

    /** A required boolean, spelled {@code true} or {@code false}. */
    public boolean bool(String key) {
        String value = required(key, "true or false");
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw InvalidConfigException.invalid(fullKey(key), value, "expected true or false");
        };
    }

    /** A required non-negative duration (see {@link Durations}). */
    public Duration duration(String key) {
        String value = required(key, Durations.ALLOWED);
        return Durations.parse(value)
                .orElseThrow(() -> InvalidConfigException.invalid(fullKey(key), value, "expected " + Durations.ALLOWED));
    }

    /** A required duration within {@code [min, max]}. */
    public Duration duration(String key, Duration min, Duration max) {
        Duration value = duration(key);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw InvalidConfigException.invalid(fullKey(key), string(key),
                    "expected a duration from " + Durations.format(min) + " to " + Durations.format(max));
        }
        return value;
    }

    /** A required size in bytes within {@code [min, max]} (see {@link ByteSizes}). */
    public long byteSize(String key, long min, long max) {
        String value = required(key, ByteSizes.ALLOWED);
        long parsed = ByteSizes.parse(value).orElse(-1);
        if (parsed < min || parsed > max) {
            throw InvalidConfigException.invalid(fullKey(key), value,
                    "expected " + ByteSizes.ALLOWED + ", from " + min + " to " + max + " bytes");
        }
        return parsed;
    }

    /** A required probability in [0, 1], written as a decimal ({@code 0.25}) or a fraction ({@code 4/11}). */
    public double probability(String key) {
        String value = required(key, "a probability from 0 to 1");
        try {
            int slash = value.indexOf('/');
            double parsed = slash < 0
                    ? Double.parseDouble(value)
                    : Double.parseDouble(value.substring(0, slash).strip())
                            / Double.parseDouble(value.substring(slash + 1).strip());
            if (parsed >= 0 && parsed <= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw InvalidConfigException.invalid(fullKey(key), value,
                "expected a probability from 0 to 1, as a decimal (0.25) or a fraction (4/11)");
    }

    /** A required choice among an enum's constants, written in lower case with dashes ({@code NOT_FOUND} is {@code not-found}). */
    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        String allowed = Arrays.stream(type.getEnumConstants()).map(Settings::spelling).collect(Collectors.joining(", "));
        String value = required(key, "one of " + allowed);
        for (E constant : type.getEnumConstants()) {
            if (spelling(constant).equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw InvalidConfigException.invalid(fullKey(key), value, "expected one of " + allowed);
    }

    /** A required address to bind: an IP literal or a name that resolves. */
    public InetAddress bindAddress(String key) {
        String value = required(key, "an IP address such as 127.0.0.1, 0.0.0.0 or ::");
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw InvalidConfigException.invalid(fullKey(key), value,
                    "expected an IP address such as 127.0.0.1, 0.0.0.0 or :: (the name does not resolve)");
        }
    }

    /** The string values under {@code key}, as a map from child name to value (constant metric tags, labels). */
    public Map<String, String> stringMap(String key) {
        Map<String, String> values = new LinkedHashMap<>();
        Node map = at(key);
        if (map.type() == Config.Type.VALUE) {
            throw InvalidConfigException.invalid(fullKey(key), string(key), "expected a map of names to values");
        }
        for (Node child : map.children()) {
            child.value().ifPresent(v -> values.put(child.name(), v));
        }
        return values;
    }

    /** How a constant of {@code choice} is written in configuration. */
    public static String spelling(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The node at {@code key}: inside a long list when the full key is, else below this node. */
    private Node at(String key) {
        String full = fullKey(key);
        for (Map.Entry<String, Node> list : longLists.entrySet()) {
            String root = list.getKey();
            if (full.equals(root)) {
                return list.getValue();
            }
            if (LongLists.under(root, full)) {
                return list.getValue().get(full.substring(root.length() + 1));
            }
        }
        return node.get(key);
    }

    private String required(String key, String allowed) {
        return optionalString(key).orElseThrow(() -> InvalidConfigException.missing(fullKey(key), "expected " + allowed));
    }
}
