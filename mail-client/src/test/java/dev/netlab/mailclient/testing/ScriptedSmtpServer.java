package dev.netlab.mailclient.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A tiny SMTP server on a real loopback socket whose behaviour a test scripts line by line, for what SubEthaSMTP
 * cannot do: over-long or never-ending replies, 535, partial RCPT rejection, a missing STARTTLS. It records every
 * line and every byte it received. It serves one connection, and stops by itself when the script ends or on close.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** The server side of one connection. */
    public interface Script {
        void run(Conversation conversation) throws Exception;
    }

    /** What a script does with the connection. */
    public final class Conversation {
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Conversation(Socket socket) throws IOException {
            use(socket);
        }

        private void use(Socket s) throws IOException {
            this.socket = s;
            s.setSoTimeout(10_000);
            this.in = s.getInputStream();
            this.out = s.getOutputStream();
        }

        /** How long each read waits for the client from now on (10 s unless a script says otherwise). */
        public void readTimeout(java.time.Duration timeout) throws IOException {
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
        }

        /** Writes {@code lines}, each followed by CRLF, in one write. */
        public void reply(String... lines) throws IOException {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append("\r\n");
            }
            raw(text.toString().getBytes(StandardCharsets.UTF_8));
        }

        /** The opening every script shares: greet with 220, read the EHLO, answer it with {@code ehloReply}. */
        public void greet(String... ehloReply) throws IOException {
            reply("220 scripted");
            readLine();
            reply(ehloReply);
        }

        /** Reads one command per reply and answers it with that reply, in turn (one line each). */
        public void answer(String... replies) throws IOException {
            for (String reply : replies) {
                readLine();
                reply(reply);
            }
        }

        /** Whether bytes the script has not read yet have arrived (a pipelining client sent more than one line). */
        public boolean hasPendingBytes() throws IOException {
            return in.available() > 0;
        }

        public void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads one line (without CRLF), recording it; null when the client closed. */
        public String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                recordByte(b);
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
                    lines.add(text);
                    return text;
                }
                line.write(b);
            }
            return null;
        }

        /** Reads lines up to and including the lone dot; returns the raw bytes between DATA and the dot. */
        public byte[] readData() throws IOException {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            while (true) {
                String line = readLine();
                if (line == null || line.equals(".")) {
                    return data.toByteArray();
                }
                data.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                data.writeBytes(new byte[] {'\r', '\n'});
            }
        }

        /** Upgrades to TLS as the server, after the script replied 220 to STARTTLS. */
        public void startTls(SSLContext context) throws IOException {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
            tls.setUseClientMode(false);
            tls.startHandshake();
            use(tls);
        }

        /**
         * Offers STARTTLS, upgrades with {@code context}, offers AUTH and refuses the credentials with 535, then
         * drains: a relay whose password is wrong.
         */
        public void refuseAuthenticationAfterStartTls(SSLContext context) throws IOException {
            greet("250-localhost", "250 STARTTLS");
            readLine();
            reply("220 2.0.0 go ahead");
            startTls(context);
            readLine();
            reply("250-localhost", "250 AUTH PLAIN LOGIN");
            readLine();
            reply("535 5.7.8 Authentication credentials invalid");
            drain();
        }

        /** Reads until the client closes, answering only QUIT (221), recording whatever comes. */
        public void drain() throws IOException {
            String line;
            while ((line = readLine()) != null) {
                if (line.equalsIgnoreCase("QUIT")) {
                    reply("221 Bye");
                    return;
                }
            }
        }

        /** Answers the usual happy path for one transaction after the client's EHLO. */
        public void acceptTransactionUntilQuit() throws IOException {
            String line;
            while ((line = readLine()) != null) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.startsWith("DATA")) {
                    reply("354 go ahead");
                    readData();
                    reply("250 2.0.0 Ok: queued as SCRIPTED1");
                } else if (upper.startsWith("QUIT")) {
                    reply("221 2.0.0 Bye");
                    return;
                } else {
                    reply("250 2.0.0 Ok");
                }
            }
        }
    }

    private final ServerSocket serverSocket;
    private final Thread thread;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Throwable failure;

    private ScriptedSmtpServer(InetSocketAddress address, Script script) throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.bind(address);
        thread = Thread.ofVirtual().name("scripted-smtp").start(() -> {
            try (Socket socket = serverSocket.accept()) {
                script.run(new Conversation(socket));
            } catch (Throwable e) {
                failure = e;
            } finally {
                done.countDown();
            }
        });
    }

    public static ScriptedSmtpServer start(Script script) throws IOException {
        return new ScriptedSmtpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), script);
    }

    /**
     * On {@code address} and {@code port}: a second loopback address ({@code 127.0.0.2}) on the port of a server on
     * {@code 127.0.0.1}, so that one name resolving to both reaches a different server at each.
     */
    public static ScriptedSmtpServer startOn(InetAddress address, int port, Script script) throws IOException {
        return new ScriptedSmtpServer(new InetSocketAddress(address, port), script);
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Every line the server read, in order. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Every byte the server read (before TLS and after, decrypted). */
    public byte[] bytes() {
        synchronized (bytes) {
            return bytes.toByteArray();
        }
    }

    private void recordByte(int b) {
        synchronized (bytes) {
            bytes.write(b);
        }
    }

    /** Waits for the script to end; the script's own exception, if any, is rethrown as an AssertionError. */
    public void awaitScript() throws InterruptedException {
        if (!done.await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("the scripted server did not finish");
        }
        if (failure != null) {
            throw new AssertionError("the scripted server failed", failure);
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        thread.interrupt();
    }
}
