package dev.netlab.mailclient;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.mailclient.cli.SendCommand;
import dev.netlab.mailclient.service.MailEngine;
import dev.netlab.mailclient.smtp.Resolver;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;

/**
 * Entry point of the mail-client jar: {@code send} is the command; without a subcommand the jar runs the service:
 * the HTTP API on the admin port, the durable outbox, and delivery to the configured relay.
 */
@Command(name = "mail-client", description = "SMTP client service: HTTP API, durable outbox, delivery to a relay;"
        + " the send command.", subcommands = SendCommand.class)
public final class Main extends ServiceCommand implements Service {

    private final Resolver resolver;
    private final Function<String, String> getenv;

    public Main() {
        this(Resolver.system(), System::getenv);
    }

    /** A service that resolves the relay's name with {@code resolver} and reads secrets' variables from {@code getenv}. */
    public Main(Resolver resolver, Function<String, String> getenv) {
        this.resolver = resolver;
        this.getenv = getenv;
    }

    public static void main(String[] args) {
        HelidonMappers.pinGlobal();
        System.exit(ServiceMain.run(new Main(), args));
    }

    @Override
    public String name() {
        return "mail-client";
    }

    @Override
    public List<String> bindAddressKeys() {
        return List.of();
    }

    @Override
    public List<String> optionalKeys() {
        // application.yaml's default is an empty list, which names no element.
        return List.of("mailclient.limits.allowed-senders.*");
    }

    @Override
    public Engine createEngine(ServiceContext context) {
        return MailEngine.create(context, resolver, getenv);
    }
}
