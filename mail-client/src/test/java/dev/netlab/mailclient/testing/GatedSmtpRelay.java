package dev.netlab.mailclient.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP relay on loopback that serves any number of connections at once but holds each one before its greeting
 * until {@link #open()}: a test sees how many sessions a client keeps open at the same moment. Every transaction is
 * accepted.
 */
public final class GatedSmtpRelay implements AutoCloseable {

    private final ServerSocket server;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger mostSessions = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();

    private GatedSmtpRelay() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("gated-relay-accept").start(this::acceptLoop);
    }

    public static GatedSmtpRelay start() throws IOException {
        return new GatedSmtpRelay();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Lets every held session, and every later one, go on. */
    public void open() {
        gate.countDown();
    }

    /** Sessions open right now. */
    public int sessions() {
        return sessions.get();
    }

    /** The most sessions that were open at the same moment. */
    public int mostSessions() {
        return mostSessions.get();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Messages taken (a 250 after the final dot). */
    public int messages() {
        return messages.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().name("gated-relay-session").start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        mostSessions.accumulateAndGet(sessions.incrementAndGet(), Math::max);
        try (socket) {
            socket.setSoTimeout(30_000);
            if (!gate.await(30, TimeUnit.SECONDS)) {
                return;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 gated relay");
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                switch (command) {
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            // the message: not kept
                        }
                        messages.incrementAndGet();
                        reply(out, "250 2.0.0 queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "250 ok");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        } finally {
            sessions.decrementAndGet();
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        gate.countDown();
        server.close();
    }
}
