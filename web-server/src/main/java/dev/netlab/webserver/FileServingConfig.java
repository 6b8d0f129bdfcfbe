package dev.netlab.webserver;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.webserver.files.CacheControlRules;
import dev.netlab.webserver.files.PathGlob;
import dev.netlab.webserver.files.ServingPolicy;
import io.helidon.config.Config;
import java.util.ArrayList;
import java.util.List;

/** The {@code webserver.*} settings of how files are answered: listing, precompressed siblings, Cache-Control. */
final class FileServingConfig {

    /** Keys of a Cache-Control rule, which the bundled defaults (no rules) cannot show. */
    static final List<String> OPTIONAL_KEYS =
            List.of("webserver.cache-control.rules.*.pattern", "webserver.cache-control.rules.*.value");

    private FileServingConfig() {
    }

    /** Reads and checks them: a bad glob or Cache-Control value stops the start, naming its key. */
    static ServingPolicy from(Settings settings) {
        Settings web = settings.child("webserver");
        Settings cache = web.child("cache-control");
        List<CacheControlRules.Rule> rules = new ArrayList<>();
        for (Config node : cache.raw().get("rules").asNodeList().orElse(List.of())) {
            Settings rule = Settings.of(node);
            rules.add(new CacheControlRules.Rule(glob(rule, "pattern"), value(rule, "value")));
        }
        String fallback = cache.optionalString("default").isEmpty() ? null : value(cache, "default");
        return new ServingPolicy(web.bool("directory-listing"), web.bool("precompressed"),
                new CacheControlRules(rules, fallback));
    }

    private static PathGlob glob(Settings rule, String key) {
        String text = rule.string(key);
        try {
            return PathGlob.compile(text);
        } catch (IllegalArgumentException e) {
            throw InvalidConfigException.invalid(rule.fullKey(key), text, e.getMessage());
        }
    }

    private static String value(Settings settings, String key) {
        String text = settings.string(key);
        try {
            return CacheControlRules.checkValue(text);
        } catch (IllegalArgumentException e) {
            throw InvalidConfigException.invalid(settings.fullKey(key), text, e.getMessage());
        }
    }
}
