package dev.netlab.mailclient.api;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.RunningMailService;
import dev.netlab.mailclient.testing.StatusLine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single messages with large bodies are read and built at most four at a time, like batches: a crowd of clients
 * each sending a 14 MB message cannot hold the heap, while small messages are never held up.
 */
class LargeBodiesTest {

    @TempDir
    Path outbox;

    @Test
    void aFifthLargeBodyWaitsForASlotWhileSmallMessagesGoThrough() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (RunningMailService service = RunningMailService.start(Map.of("mailclient.outbox.dir",
                outbox.toString()), Resolver.system(), Clock.systemUTC())) {
            int port = service.running().endpoint("admin").port();
            // Helidon answers "Expect: 100-continue" when the handler first reads the body, so a 100 says that
            // request holds a slot. These four then send nothing more.
            for (int i = 0; i < 4; i++) {
                Socket socket = largePost(port);
                held.add(socket);
                assertThat(statusLine(socket)).as("request " + i).startsWith("HTTP/1.1 100");
            }
            try (Socket fifth = largePost(port)) {
                fifth.setSoTimeout(1000);
                assertThatThrownBy(() -> statusLine(fifth)).as("the fifth gets no slot")
                        .isInstanceOf(SocketTimeoutException.class);
                assertThat(service.post(message("a@example.org", "b@example.org", "small")).statusCode())
                        .isEqualTo(202);
                // One held client goes away: its slot is free again, and the fifth is read.
                held.remove(0).close();
                fifth.setSoTimeout(10_000);
                assertThat(statusLine(fifth)).startsWith("HTTP/1.1 100");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** A POST declaring a 2 MB body, sent without its body. */
    private static Socket largePost(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                + "\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String statusLine(Socket socket) throws IOException {
        return StatusLine.read(socket.getInputStream());
    }
}
