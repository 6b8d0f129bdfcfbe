package dev.netlab.kit.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The lists read from the YAML documents instead of Helidon's tree, merged as Helidon merges a list: the first layer
 * that has one gives all of it, and the environment sets values of its entries by index
 * ({@code PINGCLIENT_TARGETS_0_PORT}).
 */
final class LongLists {

    private LongLists() {
    }

    /**
     * Each list at {@code keys} from the first of {@code layers} that has it, with the values {@code variables} set
     * inside it applied; a key no layer has is left out.
     *
     * @param layers      the file's document, then the defaults' document
     * @param variables   each key the environment sets, with its variable (indexes already checked)
     * @param environment the variables' values
     */
    static Map<String, Node> read(Set<String> keys, List<Node> layers, Map<String, String> variables,
                                  Map<String, String> environment) {
        Map<String, Node> lists = new TreeMap<>();
        for (String key : keys) {
            layers.stream().map(layer -> layer.get(key)).filter(Node::exists).findFirst().ifPresent(list -> {
                Object data = ((Node.Document) list).data();
                for (Map.Entry<String, String> set : variables.entrySet()) {
                    if (under(key, set.getKey())) {
                        List<String> path = List.of(set.getKey().substring(key.length() + 1).split("\\."));
                        data = with(data, path, environment.get(set.getValue()));
                    }
                }
                lists.put(key, Node.Document.of(key, data));
            });
        }
        return lists;
    }

    /** Whether {@code key} is inside one of {@code lists} (and so not Helidon's to merge). */
    static boolean inside(Set<String> lists, String key) {
        return lists.stream().anyMatch(list -> under(list, key));
    }

    /** Whether {@code key} names something inside the list at {@code list} (an entry, or a key of one). */
    static boolean under(String list, String key) {
        return key.length() > list.length() && key.startsWith(list) && key.charAt(list.length()) == '.';
    }

    /** A copy of {@code data} with {@code value} at {@code path}: the documents are never changed. */
    private static Object with(Object data, List<String> path, String value) {
        if (path.isEmpty()) {
            return value;
        }
        String name = path.getFirst();
        List<String> rest = path.subList(1, path.size());
        if (data instanceof List<?> list) {
            // The index was checked against this list.
            List<Object> copy = new ArrayList<>(list);
            int index = Integer.parseInt(name);
            copy.set(index, with(copy.get(index), rest, value));
            return copy;
        }
        Map<Object, Object> copy = data instanceof Map<?, ?> map ? new LinkedHashMap<>(map) : new LinkedHashMap<>();
        copy.put(name, with(copy.get(name), rest, value));
        return copy;
    }
}
