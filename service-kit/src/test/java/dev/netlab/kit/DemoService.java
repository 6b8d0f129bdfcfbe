package dev.netlab.kit;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.kit.lifecycle.StartupException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A minimal service for the kit's tests: a TCP listener {@code demo} that greets each connection with
 * {@code hello}, waits for one line and answers {@code done <line>}. A connection is work in flight until then, so
 * tests can watch SIGTERM drain it.
 */
@Command(name = "demo", description = "The kit's test service.")
public final class DemoService extends ServiceCommand implements Service {

    @Option(names = "--port", paramLabel = "N", description = "The demo listener's port.")
    private Integer port;

    public static void main(String[] args) {
        System.exit(ServiceMain.run(new DemoService(), args));
    }

    @Override
    protected void addOverrides(Map<String, String> overrides) {
        if (port != null) {
            overrides.put("demo.port", port.toString());
        }
    }

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public List<String> bindAddressKeys() {
        return List.of("demo.bind-address");
    }

    @Override
    public List<String> optionalKeys() {
        return List.of("demo.targets.*.labels.*");
    }

    @Override
    public Engine createEngine(ServiceContext context) {
        Settings demo = context.settings().child("demo");
        return new GreetingEngine(demo.bindAddress("bind-address"), demo.port("port"));
    }

    /** The demo's engine: one virtual thread per connection, drained on stop. */
    static final class GreetingEngine implements Engine {

        private final InetAddress address;
        private final int port;
        private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
        private ServerSocket server;
        private Thread acceptor;

        GreetingEngine(InetAddress address, int port) {
            this.address = address;
            this.port = port;
        }

        @Override
        public List<Endpoint> start() {
            try {
                server = new ServerSocket();
                server.bind(new InetSocketAddress(address, port));
            } catch (IOException e) {
                throw StartupException.cannotBind("demo", "tcp", address, port, e);
            }
            acceptor = Thread.ofVirtual().name("demo-accept").start(this::acceptLoop);
            return List.of(Endpoint.tcp("demo", (InetSocketAddress) server.getLocalSocketAddress()));
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.submit(() -> converse(socket));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void converse(Socket socket) {
            try (socket) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String line = in.readLine();
                out.write(("done " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // The client went away: nothing to answer.
            }
        }

        @Override
        public void stopAccepting() {
            try {
                server.close();
            } catch (IOException e) {
                // Closing a listening socket only fails if it is already closed.
            }
        }

        @Override
        public boolean awaitDrained(Duration timeout) throws InterruptedException {
            connections.shutdown();
            return connections.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            stopAccepting();
            connections.shutdownNow();
            // A ServerSocket closed while a virtual thread waits in its accept is only marked closed: the waiting
            // thread, once woken, closes the descriptor. Until it has run, connects to the port still succeed.
            try {
                if (acceptor != null) {
                    acceptor.join(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
