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

    private final JsonNode compose = resolved();

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
