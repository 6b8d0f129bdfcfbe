package dev.netlab.mailclient.testing;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A real JDK TLS server that speaks only TLS 1.1, in a JVM of its own: this JDK disables TLS 1.1 in
 * {@code jdk.tls.disabledAlgorithms}, and enabling it in the test's JVM would enable it for the client under test too.
 * It answers one implicit-TLS connection with an SMTP greeting.
 */
public final class LegacyTlsServer implements AutoCloseable {

    private final ServiceProcess process;
    private final int port;

    private LegacyTlsServer(ServiceProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server with {@code certificate}, files in {@code dir}. */
    public static LegacyTlsServer start(TestPki.Issued certificate, Path dir) throws IOException, InterruptedException {
        Path store = dir.resolve("legacy-server.p12");
        certificate.writePkcs12(store);
        Path security = Files.writeString(dir.resolve("legacy.security"),
                "jdk.tls.disabledAlgorithms=\njdk.certpath.disabledAlgorithms=\n");
        ServiceProcess process = ServiceProcess.start(List.of(ServiceProcess.javaBinary(),
                "-Djava.security.properties=" + security, "-cp", System.getProperty("java.class.path"),
                LegacyTlsServer.class.getName(), store.toString()), Map.of(), null);
        String line = process.awaitStartLine(Duration.ofSeconds(30));
        return new LegacyTlsServer(process, Integer.parseInt(line.strip()));
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.close();
    }

    /** The server process: prints its port, serves one connection. */
    public static void main(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            store.load(in, new char[0]);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {"TLSv1.1"});
            System.out.println(server.getLocalPort());
            System.out.flush();
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write("220 legacy ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.getInputStream().read();
            } catch (IOException e) {
                // The client under test refuses TLS 1.1: that is the expected end.
            }
        }
    }
}
