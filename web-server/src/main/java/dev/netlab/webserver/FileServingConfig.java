package dev.netlab.webserver;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.webserver.files.CacheControlRules;
import dev.netlab.webserver.files.OnTheFlyGzip;
import dev.netlab.webserver.files.PathGlob;
import dev.netlab.webserver.files.ServingPolicy;
import io.helidon.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code webserver.*} settings of how files are answered: listing, precompressed siblings, Cache-Control, gzip
 * per request, how long a stat is reused.
 */
final class FileServingConfig {

    /** Keys of a Cache-Control rule, which the bundled defaults (no rules) cannot show. */
    static final List<String> OPTIONAL_KEYS =
            List.of("webserver.cache-control.rules.*.pattern", "webserver.cache-control.rules.*.value");

    /** A file changed on disk must not be answered as before for longer (nginx's open_file_cache_valid default). */
    private static final Duration MAX_CHECK_INTERVAL = Duration.ofMinutes(1);

    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[!#$%&'*+.^_`|~0-9a-z-]+/[!#$%&'*+.^_`|~0-9a-z-]+");

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
                new CacheControlRules(rules, fallback), gzip(web.child("compression")),
                web.duration("file-check-interval", Duration.ZERO, MAX_CHECK_INTERVAL));
    }

    private static OnTheFlyGzip gzip(Settings compression) {
        Set<String> types = new LinkedHashSet<>();
        for (Config node : compression.raw().get("types").asNodeList().orElse(List.of())) {
            String type = node.asString().orElse("").strip().toLowerCase(Locale.ROOT);
            if (!MEDIA_TYPE.matcher(type).matches()) {
                throw InvalidConfigException.invalid(node.key().toString(), type,
                        "expected a media type without parameters, such as text/html");
            }
            types.add(type);
        }
        return new OnTheFlyGzip(compression.bool("gzip"),
                compression.byteSize("min-size", 0, OnTheFlyGzip.MAX_BYTES), types);
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
