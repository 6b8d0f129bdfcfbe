package dev.netlab.pingserver;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.PingServerConfig;
import dev.netlab.pingserver.engine.ReflectorEngine;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;

/** Entry point of the ping-server jar. */
@Command(name = "ping-server", description = "UDP reflector: lab text protocol, RFC 862 echo and STAMP (RFC 8762).")
public final class Main extends ServiceCommand implements Service {

    public static void main(String[] args) {
        System.exit(ServiceMain.run(new Main(), args));
    }

    @Override
    public String name() {
        return "ping-server";
    }

    @Override
    public List<String> bindAddressKeys() {
        return Arrays.stream(Mode.values()).map(mode -> PingServerConfig.prefix(mode) + ".bind-address").toList();
    }

    @Override
    public Engine createEngine(ServiceContext context) {
        // Every setting is read and validated here, before anything is bound.
        return new ReflectorEngine(PingServerConfig.read(context.settings()), context.registry(), context.clock());
    }
}
