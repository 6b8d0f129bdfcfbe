package dev.netlab.mailclient;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.lifecycle.AdminOnlyEngine;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.mailclient.cli.SendCommand;
import dev.netlab.mailclient.smtp.SmtpMetrics;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * Entry point of the mail-client jar: {@code send} is the command; without a subcommand the jar runs the service,
 * which until its HTTP API and outbox arrive is its admin socket with its meters (docs/architecture.md) at zero.
 */
@Command(name = "mail-client", description = "SMTP client service: HTTP API and durable outbox (coming); the send"
        + " command.", subcommands = SendCommand.class)
public final class Main extends ServiceCommand implements Service {

    public static void main(String[] args) {
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
    public Engine createEngine(ServiceContext context) {
        // The dashboard reads these series from the start; the outbox and its API that feed them come in part 2.
        new SmtpMetrics(context.registry());
        return new AdminOnlyEngine();
    }
}
