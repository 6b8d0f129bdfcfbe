package dev.netlab.webserver;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.lifecycle.AdminOnlyEngine;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.kit.lifecycle.ServiceMain;
import java.util.List;
import picocli.CommandLine.Command;

/** Entry point of the web-server jar. */
@Command(name = "web-server", description = "HTTP/1.1 static file server on raw sockets.")
public final class Main extends ServiceCommand implements Service {

    public static void main(String[] args) {
        System.exit(ServiceMain.run(new Main(), args));
    }

    @Override
    protected Service service() {
        return this;
    }

    @Override
    public String name() {
        return "web-server";
    }

    @Override
    public List<String> bindAddressKeys() {
        return List.of();
    }

    @Override
    public Engine createEngine(ServiceContext context) {
        // The protocol engine arrives with this service's own issue; until then the service is its admin socket.
        return new AdminOnlyEngine();
    }
}
