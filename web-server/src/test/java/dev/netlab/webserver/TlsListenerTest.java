package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS listener in-process: the same handler and limits as plain TCP, and no client can kill it. */
class TlsListenerTest {

    @TempDir
    static Path keys;
    private static TestCertificates.Pkcs12 certificate;
    private static SSLContext client;

    @TempDir
    Path root;

    @BeforeAll
    static void certificates() throws Exception {
        certificate = TestCertificates.pkcs12(keys, "server", "changeit-too");
        client = TestCertificates.trusting(certificate.certificate());
    }

    @BeforeEach
    void site() throws IOException {
        Files.writeString(root.resolve("hello.txt"), "hello over TLS\n");
    }

    private TestServer start(String... keyValues) {
        Map<String, String> settings = new HashMap<>();
        settings.put("webserver.tls.enabled", "true");
        settings.put("webserver.tls.port", "0");
        settings.put("webserver.tls.keystore", certificate.keystore().toString());
        settings.put("webserver.tls.keystore-password-file", certificate.passwordFile().toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return TestServer.start(root, settings);
    }

    private static int tlsPort(TestServer server) {
        return server.running().endpoint("tls").port();
    }

    /** A TLS connection offering h2 and http/1.1, handshake done. */
    private static SSLSocket connect(int port, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("localhost")));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    @Test
    void servesSmallAndLargeFilesOnAKeptAliveTlsConnection() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(23).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        try (TestServer server = start(); SSLSocket socket = connect(tlsPort(server))) {
            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            RawHttp http = RawHttp.over(socket);
            RawHttp.Reply hello = http.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.text()).isEqualTo("hello over TLS\n");
            RawHttp.Reply large = http.send("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(large.body()).isEqualTo(big);
            RawHttp.Reply missing = http.send("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(missing.status()).isEqualTo(404);
            Poll.until(Duration.ofSeconds(5), "three requests counted",
                    () -> server.metric("webserver_requests_total", "method", "GET", "status", "200") == 2
                            && server.metric("webserver_requests_total", "method", "GET", "status", "404") == 1);
        }
    }

    @Test
    void tls12IsServedAndTheSameLimitsApply() throws Exception {
        try (TestServer server = start("webserver.limits.request-line", "64");
             SSLSocket socket = connect(tlsPort(server), "TLSv1.2")) {
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            RawHttp http = RawHttp.over(socket);
            RawHttp.Reply tooLong = http.send("GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(tooLong.status()).isEqualTo(414);
            assertThat(tooLong.header("connection")).isEqualTo("close");
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsAnsweredWithAPlaintext400AndClosed() throws Exception {
        try (TestServer server = start()) {
            try (RawHttp plain = RawHttp.connect(tlsPort(server))) {
                RawHttp.Reply reply = plain.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read();
                assertThat(reply.status()).isEqualTo(400);
                assertThat(reply.header("connection")).isEqualTo("close");
                assertThat(reply.text()).contains("The plain HTTP request was sent to HTTPS port");
                assertThat(plain.closedByServer()).isTrue();
            }
            Poll.until(Duration.ofSeconds(5), "the refusal counted, the connection closed",
                    () -> server.metric("webserver_requests_total", "method", "other", "status", "400") == 1
                            && server.metric("webserver_connections_active") == 0);
        }
    }

    @Test
    void anIdleTlsConnectionClosedAtTheKeepAliveTimeoutSendsCloseNotifyFirst() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (TestServer server = start("webserver.timeouts.idle", "200ms");
             Socket tcp = recording(received)) {
            tcp.connect(new InetSocketAddress("127.0.0.1", tlsPort(server)), 5_000);
            tcp.setSoTimeout(5_000);
            // TLS 1.2 shows each record's type in the clear (1.3 hides alerts as application data).
            SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(tcp, "localhost", tlsPort(server),
                    true);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            RawHttp http = RawHttp.over(socket);
            assertThat(http.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            Poll.until(Duration.ofSeconds(5), "the idle timeout counted",
                    () -> server.metric("webserver_timeouts_total", "kind", "idle") == 1);
            List<Integer> types = recordTypes(received.toByteArray());
            assertThat(types).as("record types from the server").contains(APPLICATION_DATA);
            assertThat(types.getLast()).as("the last record before the close").isEqualTo(ALERT);
        }
    }

    private static final int ALERT = 21;
    private static final int APPLICATION_DATA = 23;

    /** A TCP socket that copies every byte it reads into {@code received}. */
    private static Socket recording(ByteArrayOutputStream received) {
        return new Socket() {
            @Override
            public InputStream getInputStream() throws IOException {
                return new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            received.write(b, off, n);
                        }
                        return n;
                    }
                };
            }
        };
    }

    /** The content type of each TLS record in {@code stream} (5-byte headers: type, version, length). */
    private static List<Integer> recordTypes(byte[] stream) {
        List<Integer> types = new ArrayList<>();
        for (int at = 0; at + 5 <= stream.length; at += 5 + ((stream[at + 3] & 0xff) << 8 | stream[at + 4] & 0xff)) {
            types.add(stream[at] & 0xff);
        }
        return types;
    }

    @Test
    void garbageOnTheTlsPortIsClosedAndTheListenerServesOn() throws Exception {
        try (TestServer server = start()) {
            int port = tlsPort(server);
            try (RawHttp binary = RawHttp.connect(port)) {
                binary.send(new byte[] {0x00, 0x01, 0x02, (byte) 0xff, '\r', '\n', '\r', '\n'});
                assertThat(readsNoHttp(binary.socket())).isTrue();
            }
            byte[] garbage = new byte[4096];
            new Random(7).nextBytes(garbage);
            garbage[0] = 0x16;
            try (RawHttp noise = RawHttp.connect(port)) {
                noise.send(garbage);
                assertThat(readsNoHttp(noise.socket())).isTrue();
            }
            try (SSLSocket socket = connect(port)) {
                assertThat(RawHttp.over(socket).send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                        .isEqualTo(200);
            }
            Poll.until(Duration.ofSeconds(5), "every connection closed",
                    () -> server.metric("webserver_connections_active") == 0);
        }
    }

    @Test
    void aClientInitiatedRenegotiationIsRefusedAndTheListenerServesOn() throws Exception {
        try (TestServer server = start(); SSLSocket socket = connect(tlsPort(server), "TLSv1.2")) {
            RawHttp http = RawHttp.over(socket);
            assertThat(http.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            // Each renegotiation is a full handshake (a private-key operation) on a connection already accepted and
            // counted: a client looping them costs the server far more than itself (THC-SSL-DoS). nginx refuses.
            assertThatThrownBy(() -> {
                socket.startHandshake();
                http.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read();
            }).isInstanceOf(IOException.class);
            try (SSLSocket fresh = connect(tlsPort(server))) {
                assertThat(RawHttp.over(fresh).send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void sslv3AndSslv2CompatibleHellosGetAnAlertAndTheListenerServesOn() throws Exception {
        try (TestServer server = start()) {
            int port = tlsPort(server);
            for (byte[] hello : List.of(sslv3ClientHello(), sslv2CompatibleClientHello())) {
                try (RawHttp old = RawHttp.connect(port)) {
                    old.send(hello);
                    // A fatal alert record, then the close: no handshake, no HTTP.
                    assertThat(old.socket().getInputStream().read()).isEqualTo(ALERT);
                    assertThat(readsNoHttp(old.socket())).isTrue();
                }
            }
            try (SSLSocket socket = connect(port)) {
                assertThat(RawHttp.over(socket).send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                        .isEqualTo(200);
            }
            Poll.until(Duration.ofSeconds(5), "every connection closed",
                    () -> server.metric("webserver_connections_active") == 0);
        }
    }

    /** A well-formed SSL 3.0 ClientHello (record and hello version 3.0) offering TLS_RSA_WITH_AES_128_CBC_SHA. */
    private static byte[] sslv3ClientHello() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x03, 0x00});
        body.writeBytes(new byte[32]);
        body.writeBytes(new byte[] {0x00, 0x00, 0x02, 0x00, 0x2f, 0x01, 0x00});
        byte[] hello = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {0x16, 0x03, 0x00, 0x00, (byte) (hello.length + 4), 0x01, 0x00, 0x00,
            (byte) hello.length});
        record.writeBytes(hello);
        return record.toByteArray();
    }

    /** An SSLv2-format ClientHello asking for TLS 1.0 (what very old clients sent first). */
    private static byte[] sslv2CompatibleClientHello() {
        byte[] body = new byte[9 + 3 + 16];
        byte[] fields = {0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x2f};
        System.arraycopy(fields, 0, body, 0, fields.length);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {(byte) 0x80, (byte) body.length});
        record.writeBytes(body);
        return record.toByteArray();
    }

    @Test
    void aHandshakeThatNeverFinishesIsCutAtTheHeadTimeout() throws Exception {
        try (TestServer server = start("webserver.timeouts.head", "300ms")) {
            int port = tlsPort(server);
            try (RawHttp silent = RawHttp.connect(port)) {
                assertThat(silent.closedByServer()).isTrue();
            }
            Poll.until(Duration.ofSeconds(5), "the silent handshake counted",
                    () -> server.metric("webserver_timeouts_total", "kind", "head") == 1);
            // A trickled ClientHello (a record header, then a byte every 50 ms): each read is quick, the whole is not.
            try (RawHttp trickle = RawHttp.connect(port)) {
                trickle.send(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 200; i++) {
                        trickle.send(new byte[] {0x01});
                        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                    }
                }).isInstanceOf(SocketException.class);
            }
            Poll.until(Duration.ofSeconds(5), "the trickled handshake counted",
                    () -> server.metric("webserver_timeouts_total", "kind", "head") == 2);
            try (SSLSocket socket = connect(port)) {
                assertThat(RawHttp.over(socket).send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void aTlsClientThatStopsReadingIsCutAtTheSendTimeout() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[16 * 1024 * 1024]);
        try (TestServer server = start("webserver.timeouts.send", "300ms")) {
            SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket();
            try (socket) {
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress("127.0.0.1", tlsPort(server)), 5_000);
                socket.startHandshake();
                socket.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                Poll.until(Duration.ofSeconds(10), "the stalled TLS connection closed by the server",
                        () -> server.metric("webserver_connections_active") == 0);
                assertThat(server.metric("webserver_timeouts_total", "kind", "send")).isEqualTo(1.0);
            }
        }
    }

    @Test
    void theConnectionLimitIsSharedByBothListeners() throws Exception {
        try (TestServer server = start("webserver.max-connections", "1");
             RawHttp held = RawHttp.connect(server.port())) {
            assertThat(held.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            try (RawHttp refused = RawHttp.connect(tlsPort(server))) {
                assertThat(refused.closedByServer()).isTrue();
            }
            assertThat(server.metric("webserver_connections_refused_total")).isEqualTo(1.0);
        }
    }

    /** Whether the server closed the connection without a byte of HTTP (TLS alerts are not HTTP). */
    private static boolean readsNoHttp(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] received = new byte[8192];
        int total = 0;
        try {
            for (int n = in.read(received); n >= 0 && total < received.length; n = in.read(received, total,
                    received.length - total)) {
                total += n;
            }
        } catch (SocketException e) {
            // reset: closed too
        } catch (SocketTimeoutException e) {
            return false;
        }
        return !new String(received, 0, total, StandardCharsets.ISO_8859_1).contains("HTTP/");
    }
}
