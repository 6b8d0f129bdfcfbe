package dev.netlab.mailclient.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names, the way the API's refusals do ({@code attachments[0].filename}), a key Jackson found given twice. */
final class DuplicateKey {

    // Jackson's wording for STRICT_DUPLICATE_DETECTION (stable since 2.3).
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);

    private DuplicateKey() {
    }

    /** The field given twice, with its path; null when {@code e} is about something else. */
    static String field(JsonParseException e) {
        Matcher m = DUPLICATE.matcher(e.getOriginalMessage());
        if (!m.matches()) {
            return null;
        }
        Deque<String> path = new ArrayDeque<>();
        // The innermost context is the object holding the key; its parents say where that object is.
        JsonStreamContext context = e.getProcessor() instanceof JsonParser parser ? parser.getParsingContext() : null;
        for (JsonStreamContext c = context == null ? null : context.getParent(); c != null && !c.inRoot();
                c = c.getParent()) {
            path.push(c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
        }
        StringBuilder name = new StringBuilder();
        path.forEach(name::append);
        name.append(name.isEmpty() ? "" : ".").append(m.group(1));
        return name.charAt(0) == '.' ? name.substring(1) : name.toString();
    }
}
