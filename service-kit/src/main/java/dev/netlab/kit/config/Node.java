package dev.netlab.kit.config;

import io.helidon.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a configuration as {@link Settings} and {@link ConfigSchema} read it: a node of Helidon's tree, or a
 * node of a YAML document for the lists kept out of that tree (Helidon's list handling is quadratic in a list's
 * length).
 */
sealed interface Node permits Node.Tree, Node.Document {

    /** The full key ({@code pingclient.targets.3.host}), empty at the root. */
    String key();

    /** The last name of the key ({@code host}, or a list index). */
    String name();

    /** A map ({@code OBJECT}), a list, a single value, or {@code MISSING}. */
    Config.Type type();

    /** The text of a single value; empty when this node is missing, a map or a list. */
    Optional<String> value();

    /** The members of a map or a list, in order; none for a single value. */
    List<Node> children();

    /** The node at {@code key}, relative to this one ({@code labels.zone}), possibly missing. */
    Node get(String key);

    default boolean exists() {
        return type() != Config.Type.MISSING;
    }

    /** A node of Helidon's tree. */
    record Tree(Config config) implements Node {

        @Override
        public String key() {
            return config.key().toString();
        }

        @Override
        public String name() {
            return config.name();
        }

        @Override
        public Config.Type type() {
            return config.type();
        }

        @Override
        public Optional<String> value() {
            return config.type() == Config.Type.VALUE ? config.asString().asOptional() : Optional.empty();
        }

        @Override
        public List<Node> children() {
            // A single value has no members (Helidon would try to map it to a list).
            return config.type() == Config.Type.VALUE ? List.of()
                    : config.asNodeList().orElse(List.of()).stream().<Node>map(Tree::new).toList();
        }

        @Override
        public Node get(String key) {
            return new Tree(config.get(key));
        }
    }

    /**
     * A node of a parsed YAML document: {@code data} is a {@link Map}, a {@link List} or a scalar, converted to text
     * as Helidon's YAML parser converts it ({@code null} is the empty value).
     *
     * @param key     the full key
     * @param data    the document's object at that key
     * @param present whether the key exists (a present key may hold {@code null})
     */
    record Document(String key, Object data, boolean present) implements Node {

        /** The document's node at {@code key}. */
        static Document of(String key, Object data) {
            return new Document(key, data, true);
        }

        @Override
        public String name() {
            return key.substring(key.lastIndexOf('.') + 1);
        }

        @Override
        public Config.Type type() {
            if (!present) {
                return Config.Type.MISSING;
            }
            return switch (data) {
                case Map<?, ?> map -> Config.Type.OBJECT;
                case List<?> list -> Config.Type.LIST;
                case null, default -> Config.Type.VALUE;
            };
        }

        @Override
        public Optional<String> value() {
            return type() == Config.Type.VALUE ? Optional.of(data == null ? "" : data.toString()) : Optional.empty();
        }

        @Override
        public List<Node> children() {
            List<Node> children = new ArrayList<>();
            switch (data) {
                case Map<?, ?> map when present -> map.forEach((name, value) ->
                        children.add(of(child(String.valueOf(name)), value)));
                case List<?> list when present -> {
                    for (int i = 0; i < list.size(); i++) {
                        children.add(of(child(Integer.toString(i)), list.get(i)));
                    }
                }
                case null, default -> {
                }
            }
            return children;
        }

        @Override
        public Node get(String relative) {
            Document node = this;
            for (String name : relative.split("\\.")) {
                node = node.member(name);
            }
            return node;
        }

        private Document member(String name) {
            String key = child(name);
            if (present && data instanceof Map<?, ?> map && map.containsKey(name)) {
                return of(key, map.get(name));
            }
            if (present && data instanceof List<?> list && name.matches("\\d{1,9}")
                    && Integer.parseInt(name) < list.size()) {
                return of(key, list.get(Integer.parseInt(name)));
            }
            return new Document(key, null, false);
        }

        private String child(String name) {
            return key.isEmpty() ? name : key + "." + name;
        }
    }
}
