package dev.netlab.kit.config;

import io.helidon.config.EnvironmentVariables;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configuration keys environment variables set, by Helidon's mapping: {@code FOO_BAR} sets {@code foo.bar},
 * {@code FOO_BAR_dash_BAZ} sets {@code foo.bar-baz}; a name without an underscore, or with {@code __}, sets nothing.
 */
final class EnvironmentKeys {

    private EnvironmentKeys() {
    }

    /** The key {@code variable} sets, if it sets one. */
    static Optional<String> keyOf(String variable) {
        if (!EnvironmentVariables.shouldAlias(variable)) {
            return Optional.empty();
        }
        String key = variable.replaceAll("_dash_|_DASH_", "-").replace('_', '.').toLowerCase(Locale.ROOT);
        return Optional.of(key);
    }

    /** The variable that sets {@code key}: {@code lifecycle.drain-timeout} is {@code LIFECYCLE_DRAIN_dash_TIMEOUT}. */
    static String variableOf(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", "_dash_");
    }

    /** The keys {@code environment} sets, each with the variable that sets it, sorted. */
    static Map<String, String> variables(Map<String, String> environment) {
        Map<String, String> variables = new TreeMap<>();
        for (String variable : environment.keySet()) {
            keyOf(variable).ifPresent(key -> variables.putIfAbsent(key, variable));
        }
        return variables;
    }

    /** The entries of {@code variables} whose key is under one of {@code roots}. */
    static Map<String, String> under(Set<String> roots, Map<String, String> variables) {
        Map<String, String> ours = new TreeMap<>();
        variables.forEach((key, variable) -> {
            if (roots.contains(key.split("\\.", 2)[0])) {
                ours.put(key, variable);
            }
        });
        return ours;
    }
}
