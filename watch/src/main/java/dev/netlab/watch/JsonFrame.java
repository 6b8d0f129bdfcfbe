package dev.netlab.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of one frame as one JSON object: {@code --once --format json}. */
final class JsonFrame {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private JsonFrame() {
    }

    static String of(Figures figures) {
        Map<String, Object> services = new LinkedHashMap<>();
        services.put(ServiceName.PING_CLIENT.label(), service(figures.pingClient()));
        services.put(ServiceName.PING_SERVER.label(), service(figures.pingServer()));
        services.put(ServiceName.WEB_SERVER.label(), service(figures.webServer()));
        services.put(ServiceName.MAIL_CLIENT.label(), service(figures.mailClient()));
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("at", figures.at().toString());
        frame.put("services", services);
        try {
            return JSON.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("figures that Jackson cannot write", e);
        }
    }

    private static Map<String, Object> service(Reading<?> reading) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("address", reading.address());
        switch (reading) {
            case Reading.Up<?>(var address, var figures) -> {
                json.put("status", "up");
                json.putAll(JSON.convertValue(figures, new TypeReference<Map<String, Object>>() { }));
            }
            case Reading.Down<?>(var address, var reason) -> {
                json.put("status", "down");
                json.put("reason", reason);
            }
        }
        return json;
    }
}
