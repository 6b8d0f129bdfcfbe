package dev.netlab.pingclient;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.kit.metrics.MetricTags;
import dev.netlab.pingclient.service.ProberConfig;
import dev.netlab.pingclient.service.ProberEngine;
import dev.netlab.pingclient.service.Resolver;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Entry point of the ping-client jar: the prober service by default, {@code ping TARGET} as a command. */
@Command(name = "ping-client", subcommands = PingCommand.class,
        description = "UDP prober: probes the configured targets forever and exports RTT, loss and jitter."
                + " 'ping TARGET' probes one target like ping.")
public final class Main extends ServiceCommand implements Service {

    private static final Logger LOG = System.getLogger(Main.class.getName());

    private final Resolver resolver;
    private final Supplier<Settings> reread;
    private volatile ProberEngine engine;
    /** Whether SIGHUP was ignored when the process started, so that it cannot trigger a reload. */
    private volatile boolean sighupIgnored;

    /** The jar's service: names resolve through the system's resolver. */
    public Main() {
        this(Resolver.system(), null);
    }

    /** A service whose target names resolve through {@code resolver} (tests give changing answers). */
    public Main(Resolver resolver) {
        this(resolver, null);
    }

    /**
     * A service that resolves through {@code resolver} and whose {@link #reload()} reads {@code reread}
     * (null: the {@code --config} file and the environment, as at start).
     */
    public Main(Resolver resolver, Supplier<Settings> reread) {
        this.resolver = resolver;
        this.reread = reread;
    }

    public static void main(String[] args) {
        Main main = new Main();
        try {
            // The JVM leaves a SIGHUP the process inherited as ignored (nohup) ignored, and installs nothing.
            main.sighupIgnored = Signal.handle(new Signal("HUP"), signal -> main.reload()) == SignalHandler.SIG_IGN;
        } catch (IllegalArgumentException e) {
            // No SIGHUP on this platform: the configuration is read at start only.
        }
        System.exit(ServiceMain.run(main, args));
    }

    /**
     * Reads the configuration again (SIGHUP) and applies its {@code pingclient.*} settings to the running prober; a
     * configuration that is not valid changes nothing and is logged.
     */
    public void reload() {
        ProberEngine running = engine;
        if (running == null) {
            LOG.log(Level.WARNING, "configuration not reloaded: the prober has not started yet");
            return;
        }
        LOG.log(Level.INFO, "reading the configuration again");
        try {
            Settings settings = reread != null ? reread.get()
                    : ConfigLoader.load(configFile(), System.getenv(), Map.of(), ServiceMain.schema(this));
            running.reconfigure(ProberConfig.read(settings));
        } catch (InvalidConfigException e) {
            LOG.log(Level.WARNING, "configuration not reloaded (the running one stays): " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "configuration not reloaded (the running one stays)", e);
        }
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

    /** The targets: a mesh gives each node thousands, which Helidon's tree cannot hold in reasonable time. */
    @Override
    public List<String> longLists() {
        return List.of("pingclient.targets");
    }

    @Override
    public Engine createEngine(ServiceContext context) {
        ProberConfig config = ProberConfig.read(context.settings());
        if (sighupIgnored) {
            LOG.log(Level.WARNING, "SIGHUP is ignored by this process (started under nohup?), so kill -HUP cannot"
                    + " reload the configuration; start the service without nohup to reload it that way");
        }
        ProberEngine created = new ProberEngine(config, MetricTags.read(context.settings()), context.clock(),
                resolver);
        engine = created;
        return created;
    }
}
