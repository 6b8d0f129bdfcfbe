package dev.netlab.pingclient;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.pingclient.service.ProberConfig;
import dev.netlab.pingclient.service.ProberEngine;
import dev.netlab.pingclient.service.Resolver;
import java.util.List;
import picocli.CommandLine.Command;

/** Entry point of the ping-client jar: the prober service by default, {@code ping TARGET} as a command. */
@Command(name = "ping-client", subcommands = PingCommand.class,
        description = "UDP prober: probes the configured targets forever and exports RTT, loss and jitter."
                + " 'ping TARGET' probes one target like ping.")
public final class Main extends ServiceCommand implements Service {

    private final Resolver resolver;

    /** The jar's service: names resolve through the system's resolver. */
    public Main() {
        this(Resolver.system());
    }

    /** A service whose target names resolve through {@code resolver} (tests give changing answers). */
    public Main(Resolver resolver) {
        this.resolver = resolver;
    }

    public static void main(String[] args) {
        System.exit(ServiceMain.run(new Main(), args));
    }

    @Override
    public String name() {
        return "ping-client";
    }

    /** The prober binds no listener; {@code --bind} still sets the admin socket's address. */
    @Override
    public List<String> bindAddressKeys() {
        return List.of();
    }

    /** A target's keys that application.yaml's default targets leave out. */
    @Override
    public List<String> optionalKeys() {
        return List.of("pingclient.targets.*.interval", "pingclient.targets.*.timeout", "pingclient.targets.*.size",
                "pingclient.targets.*.name", "pingclient.targets.*.labels.*");
    }

    @Override
    public Engine createEngine(ServiceContext context) {
        ProberConfig config = ProberConfig.read(context.settings());
        return new ProberEngine(config, context.registry(), context.clock(), resolver);
    }
}
