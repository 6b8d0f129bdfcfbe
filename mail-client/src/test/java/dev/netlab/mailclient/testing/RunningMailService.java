package dev.netlab.mailclient.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.lifecycle.RunningService;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.mailclient.Main;
import dev.netlab.mailclient.smtp.Resolver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The real mail service in this JVM on an admin port of 0, with an HTTP client for its API and /metrics. */
public final class RunningMailService implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RunningService running;
    private final HttpClient http = HttpClient.newHttpClient();

    private RunningMailService(RunningService running) {
        this.running = running;
    }

    /** Starts with {@code settings} over test defaults (admin port 0, short backoffs). */
    public static RunningMailService start(Map<String, String> settings, Resolver resolver, Clock clock) {
        return start(Optional.empty(), settings, resolver, clock);
    }

    /** Starts with a {@code --config} file and {@code settings} over test defaults, keys checked as in production. */
    public static RunningMailService start(Optional<Path> configFile, Map<String, String> settings, Resolver resolver,
                                           Clock clock) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("admin.port", "0");
        all.put("mailclient.retry.initial-backoff", "1s");
        all.put("mailclient.retry.max-backoff", "4s");
        all.put("lifecycle.drain-timeout", "5s");
        all.putAll(settings);
        Main main = new Main(resolver, name -> null);
        return new RunningMailService(RunningService.start(main,
                ConfigLoader.load(configFile, Map.of(), all, ServiceMain.schema(main)), clock));
    }

    public RunningService running() {
        return running;
    }

    public String startLine() {
        return running.startLine();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + running.endpoint("admin").port() + path);
    }

    public HttpResponse<String> post(String json, Optional<String> token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/messages")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /api/messages/batch} with {@code json} (an array of messages). */
    public HttpResponse<String> postBatch(String json, Optional<String> token) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/messages/batch"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String json) throws IOException, InterruptedException {
        return post(json, Optional.empty());
    }

    public HttpResponse<String> get(String path, Optional<String> token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(path, Optional.empty());
    }

    /** The id a 202 answered with. */
    public String accepted(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = post(json);
        if (response.statusCode() != 202) {
            throw new AssertionError("expected 202, got " + response.statusCode() + ": " + response.body());
        }
        return json(response).get("id").asText();
    }

    /** The message's record from {@code GET /api/messages/{id}}. */
    public JsonNode message(String id) throws IOException, InterruptedException {
        return json(get("/api/messages/" + id));
    }

    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return MAPPER.readTree(response.body());
    }

    public PrometheusText.Scrape metrics() throws IOException, InterruptedException {
        return PrometheusText.parse(get("/metrics").body());
    }

    /** A minimal message in the API's JSON. */
    public static String message(String from, String to, String subject) {
        return "{\"from\":\"" + from + "\",\"to\":[\"" + to + "\"],\"subject\":\"" + subject
                + "\",\"text\":\"hello\"}";
    }

    @Override
    public void close() {
        running.close();
    }
}
