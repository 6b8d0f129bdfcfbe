package dev.netlab.webserver;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.webserver.accesslog.AccessLogSettings;
import dev.netlab.webserver.files.PathResolver;
import dev.netlab.webserver.files.StaticFileHandler;
import dev.netlab.webserver.http.Methods;
import dev.netlab.webserver.tls.TlsSettings;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the web-server jar. */
@Command(name = "web-server", description = "HTTP/1.1 static file server on raw sockets.")
public final class Main extends ServiceCommand implements Service {

    @Option(names = {"--root", "-d"}, paramLabel = "DIR",
            description = "Directory to serve (webserver.root; default: the current directory).")
    private String root;

    @Option(names = {"--port", "-p"}, paramLabel = "N", description = "Port of the web listener (webserver.port; default 8080).")
    private Integer port;

    public static void main(String[] args) {
        System.exit(ServiceMain.run(new Main(), args));
    }

    @Override
    protected void addOverrides(Map<String, String> overrides) {
        if (root != null) {
            overrides.put("webserver.root", root);
        }
        if (port != null) {
            overrides.put("webserver.port", Integer.toString(port));
        }
    }

    @Override
    public String name() {
        return "web-server";
    }

    @Override
    public List<String> bindAddressKeys() {
        return List.of("webserver.bind-address", "webserver.tls.bind-address");
    }

    /** Keys without a default in application.yaml. */
    @Override
    public List<String> optionalKeys() {
        return Stream.concat(TlsSettings.OPTIONAL_KEYS.stream(), FileServingConfig.OPTIONAL_KEYS.stream()).toList();
    }

    @Override
    public Engine createEngine(ServiceContext context) {
        WebServerConfig config = WebServerConfig.from(context.settings());
        PathResolver resolver;
        try {
            resolver = PathResolver.create(config.root(), config.dotfiles(), config.symlinks());
        } catch (IOException e) {
            throw InvalidConfigException.invalid("webserver.root", config.root().toString(),
                    "expected an existing directory (" + e.getMessage() + ")");
        }
        StaticFileHandler files = new StaticFileHandler(resolver, FileServingConfig.from(context.settings()),
                context.clock());
        Optional<TlsSettings> tls = TlsSettings.from(context.settings(), System.getenv());
        AccessLogSettings accessLog = AccessLogSettings.from(context.settings());
        return new WebServerEngine(config, new Methods(files), context.registry(), context.clock(), tls, accessLog);
    }
}
