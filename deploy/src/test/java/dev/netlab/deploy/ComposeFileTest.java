package dev.netlab.deploy;

import static dev.netlab.deploy.DeployFiles.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose.yaml as docker-compose reads it ({@code docker-compose config}: anchors merged, paths made
 * absolute, defaults of variables applied), and every file it names present in the repository.
 */
class ComposeFileTest {

    private static final Path DEPLOY = ROOT.resolve("deploy");

    private final JsonNode compose = Resolved.CONFIG;

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        Command.run(List.of("docker-compose", "-f", "deploy/compose.yaml", "config", "-q"), Map.of(), ROOT,
                Duration.ofSeconds(60)).orFail();
    }

    @Test
    void everyMountedPathExistsInTheRepository() {
        List<String> mounted = new ArrayList<>();
        compose.path("services").forEach(service -> service.path("volumes").forEach(volume -> {
            String source = volume.asText().split(":")[0];
            if (source.startsWith("/")) {
                mounted.add(source);
            }
        }));
        assertThat(mounted).isNotEmpty().allSatisfy(source ->
                assertThat(Path.of(source)).as(source).exists().satisfies(path -> assertThat(source).startsWith(ROOT + "/")));
    }

    @Test
    void secretsComeFromFilesKeptOutOfGit() throws Exception {
        compose.path("secrets").forEach(secret -> {
            Path file = Path.of(secret.path("file").asText());
            assertThat(file.getParent()).isEqualTo(DEPLOY.resolve("secrets"));
        });
        assertThat(Files.readAllLines(DEPLOY.resolve("secrets/.gitignore"))).contains("*");
    }

    @Test
    void eachServiceImageIsBuiltFromTheDockerfileForItsOwnService() {
        for (String name : DeployFiles.SERVICES) {
            JsonNode service = compose.path("services").path(name);
            assertThat(service.path("image").asText()).startsWith("netlab/" + name + ":");
            JsonNode build = service.path("build");
            assertThat(Path.of(build.path("context").asText())).isEqualTo(ROOT);
            assertThat(build.path("dockerfile").asText()).isEqualTo("deploy/docker/Dockerfile");
            assertThat(build.path("target").asText()).isEqualTo(name);
            assertThat(build.path("args").path("SERVICE").asText()).isEqualTo(name);
            assertThat(DeployFiles.read("deploy/docker/Dockerfile")).contains("FROM service AS " + name + "\n");
        }
    }

    @Test
    void everyPortIsPublishedOnLoopbackOnlyWithUdpWhereTheContractSaysUdp() {
        compose.path("services").fields().forEachRemaining(service -> service.getValue().path("ports").forEach(port -> {
            String spec = port.asText();
            assertThat(spec).as(service.getKey()).startsWith("127.0.0.1:");
            String container = spec.substring(spec.lastIndexOf(':') + 1);
            boolean udp = List.of("12000/udp", "8620/udp", "7007/udp").contains(container);
            assertThat(udp || container.matches("\\d+/tcp")).as(service.getKey() + " " + spec).isTrue();
        }));
    }

    @Test
    void everyServiceIsHealthCheckedAndWaitedOnByWhatDependsOnIt() {
        compose.path("services").fields().forEachRemaining(service -> {
            assertThat(service.getValue().has("healthcheck")).as(service.getKey()).isTrue();
            service.getValue().path("depends_on").fields().forEachRemaining(dependency ->
                    assertThat(dependency.getValue().path("condition").asText())
                            .as(service.getKey() + " -> " + dependency.getKey()).isEqualTo("service_healthy"));
        });
    }

    @Test
    void everyListenerOfOurServicesBindsAllAddressesThroughKeysTheServiceKnows() {
        for (String name : DeployFiles.SERVICES) {
            ServiceKeys keys = ServiceKeys.of(name);
            Map<String, String> set = new java.util.TreeMap<>();
            compose.path("services").path(name).path("environment").fields().forEachRemaining(env -> {
                String key = ServiceKeys.keyOfVariable(env.getKey());
                assertThat(keys.knows(key)).as(name + " " + env.getKey() + " sets " + key).isTrue();
                set.put(key, env.getValue().asText());
            });
            keys.defaults().keySet().stream().filter(key -> key.endsWith("bind-address")).forEach(key ->
                    assertThat(set).as(name).containsEntry(key, "0.0.0.0"));
        }
    }

    @Test
    void publishedContainerPortsAreTheServicesOwn() {
        assertThat(containerPorts("web-server")).containsExactlyInAnyOrder(
                port("web-server", "webserver.port", "tcp"), port("web-server", "admin.port", "tcp"));
        assertThat(containerPorts("ping-server")).containsExactlyInAnyOrder(
                port("ping-server", "pingserver.listeners.lab.port", "udp"),
                port("ping-server", "pingserver.listeners.stamp.port", "udp"),
                port("ping-server", "pingserver.listeners.echo.port", "udp"),
                port("ping-server", "admin.port", "tcp"));
        assertThat(containerPorts("ping-client")).containsExactly(port("ping-client", "admin.port", "tcp"));
        assertThat(containerPorts("mail-client")).containsExactly(port("mail-client", "admin.port", "tcp"));
    }

    @Test
    void eachImageStageExposesAndHealthChecksItsServicesPorts() {
        String dockerfile = DeployFiles.read("deploy/docker/Dockerfile");
        for (String name : DeployFiles.SERVICES) {
            String stage = dockerfile.substring(dockerfile.indexOf("FROM service AS " + name + "\n"));
            int next = stage.indexOf("\nFROM ", 1);
            stage = next < 0 ? stage : stage.substring(0, next);
            assertThat(stage).as(name).contains("ENV NETLAB_HEALTH_PORT=" + ServiceKeys.of(name).port("admin.port"));
            List<String> exposed = List.of(stage.lines().filter(line -> line.startsWith("EXPOSE ")).findFirst()
                    .orElseThrow().substring("EXPOSE ".length()).split(" "));
            assertThat(exposed).as(name).containsExactlyInAnyOrderElementsOf(containerPorts(name));
        }
    }

    @Test
    void thePingClientProbesThePingServerByServiceNameOnItsUdpPorts() {
        String mount = compose.path("services").path("ping-client").path("volumes").get(0).asText();
        JsonNode config = ServiceKeys.readYaml(readFile(Path.of(mount.split(":")[0])));
        ServiceKeys keys = ServiceKeys.of("ping-client");
        assertThat(ServiceKeys.keysOf(config)).allSatisfy(key -> assertThat(keys.knows(key)).as(key).isTrue());
        JsonNode targets = config.path("pingclient").path("targets");
        assertThat(targets).isNotEmpty();
        targets.forEach(target -> {
            assertThat(target.path("host").asText()).isEqualTo("ping-server");
            assertThat(containerPorts("ping-server")).contains(target.path("port").asInt() + "/udp");
        });
        assertThat(compose.path("services").path("ping-client").path("command"))
                .extracting(JsonNode::asText).containsExactly("--config", mount.split(":")[1]);
    }

    @Test
    void prometheusScrapesEachServiceByItsNameOnItsAdminPort() {
        JsonNode config = ServiceKeys.readYaml(DeployFiles.read("deploy/prometheus/prometheus.yml"));
        Map<String, String> targets = new java.util.TreeMap<>();
        config.path("scrape_configs").forEach(job -> targets.put(job.path("job_name").asText(),
                job.path("static_configs").get(0).path("targets").get(0).asText()));
        for (String name : DeployFiles.SERVICES) {
            assertThat(targets).containsEntry(name, name + ":" + ServiceKeys.of(name).port("admin.port"));
        }
    }

    @Test
    void theImageScriptsAreShellcheckClean() throws Exception {
        Command.requireOnPath("shellcheck", "install the Debian packages of .ci/run (shellcheck)");
        List<String> command = new ArrayList<>(List.of("shellcheck"));
        try (var scripts = Files.list(DEPLOY.resolve("docker"))) {
            scripts.filter(p -> p.toString().endsWith(".sh")).forEach(p -> command.add(ROOT.relativize(p).toString()));
        }
        assertThat(command).hasSizeGreaterThan(1);
        Command.run(command, Map.of(), ROOT, Duration.ofSeconds(60)).orFail();
    }

    private List<String> containerPorts(String service) {
        List<String> ports = new ArrayList<>();
        compose.path("services").path(service).path("ports").forEach(port ->
                ports.add(port.asText().substring(port.asText().lastIndexOf(':') + 1)));
        return ports;
    }

    private static String port(String service, String key, String protocol) {
        return ServiceKeys.of(service).port(key) + "/" + protocol;
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resolved file, read once for every test (docker-compose takes seconds to start). */
    private static final class Resolved {
        static final JsonNode CONFIG = resolved();
    }

    /** {@code docker-compose config} of deploy/compose.yaml with the defaults of every variable. */
    static JsonNode resolved() {
        Command.requireOnPath("docker-compose", "install the Debian packages of .ci/run (docker-compose)");
        try {
            String config = Command.run(List.of("env", "-i", "PATH=" + System.getenv("PATH"), "docker-compose", "-f",
                    "deploy/compose.yaml", "config"), Map.of(), ROOT, Duration.ofSeconds(60)).orFail().output();
            return new YAMLMapper().readTree(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
