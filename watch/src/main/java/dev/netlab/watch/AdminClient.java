package dev.netlab.watch;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs from admin sockets, every request bounded by one timeout. */
final class AdminClient {

    private final HttpClient http;
    private final Duration timeout;

    AdminClient(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** The body of a 200 answer to {@code GET path}; anything else throws. */
    String get(AdminAddress address, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(address.uri(path)).timeout(timeout)
                .header("Accept", "text/plain, application/json").GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    Duration timeout() {
        return timeout;
    }
}
