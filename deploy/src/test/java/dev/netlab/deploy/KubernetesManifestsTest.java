package dev.netlab.deploy;

import static dev.netlab.deploy.DeployFiles.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kustomize manifests: every overlay renders with {@code kubectl kustomize} and parses strictly into fabric8's
 * Kubernetes model, and what they deploy is what the services, the images and the contract say (ports, probes,
 * config keys, environment variables, the uid, the UDP mesh).
 */
class KubernetesManifestsTest {

    private static final String VERSION_TAG = ":0.1.0-SNAPSHOT";

    private final List<HasMetadata> dev = Dev.OBJECTS;

    /** The dev overlay, rendered once for every test. */
    private static final class Dev {
        static final List<HasMetadata> OBJECTS = render("overlays/dev");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prometheus-operator"})
    void everyOverlayRendersAndParsesStrictly(String overlay) {
        List<HasMetadata> objects = render(overlay);
        assertThat(objects).isNotEmpty().allSatisfy(object ->
                assertThat(object.getMetadata().getNamespace() == null
                        || object.getMetadata().getNamespace().equals("netlab")).as(object.getKind()).isTrue());
    }

    @Test
    void theStrictParseRefusesAFieldTheModelDoesNotKnow() {
        String typo = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: typo
                spec:
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}}
                    spec:
                      containers:
                        - name: x
                          image: x
                          imagePullPolcy: Always
                """;
        assertThatThrownBy(() -> StrictModel.parse(typo)).hasMessageContaining("imagePullPolcy");
        assertThatThrownBy(() -> StrictModel.parse("apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: g}\n"))
                .hasMessageContaining("no typed model class");
    }

    @Test
    void everyWorkloadRunsItsOwnImageAsTheImagesNonRootUidLockedDown() {
        String uid = DeployFiles.imageUid();
        String dockerfile = DeployFiles.read("deploy/docker/Dockerfile");
        for (String service : DeployFiles.SERVICES) {
            PodSpec pod = podOf(dev, service).getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(service).isTrue();
            assertThat(String.valueOf(pod.getSecurityContext().getRunAsUser())).as(service).isEqualTo(uid);
            assertThat(String.valueOf(pod.getSecurityContext().getRunAsGroup())).as(service).isEqualTo(uid);
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(service).isEqualTo("RuntimeDefault");
            Container container = containerOf(dev, service);
            assertThat(container.getImage()).as(service).isEqualTo("netlab/" + service + VERSION_TAG);
            assertThat(dockerfile).as("a Dockerfile stage for " + service).contains("FROM service AS " + service + "\n");
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(service).isTrue();
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(service).isFalse();
            assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(service).containsExactly("ALL");
            assertThat(container.getResources().getRequests()).as(service).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).as(service).containsKeys("cpu", "memory");
            // What the service writes goes to a mounted volume: /tmp always, the outbox for the mail-client.
            assertThat(writableMounts(pod, container)).as(service).contains("/tmp");
        }
        assertThat(writableMounts(podOf(dev, "mail-client").getSpec(), containerOf(dev, "mail-client")))
                .contains(ServiceKeys.readYaml(DeployFiles.read("deploy/k8s/base/config/mail-client.yaml"))
                        .path("mailclient").path("outbox").path("dir").asText());
    }

    @Test
    void probesAndScrapeAnnotationsUseTheAdminPortOfEachService() {
        for (String service : DeployFiles.SERVICES) {
            int admin = ServiceKeys.of(service).port("admin.port");
            Container container = containerOf(dev, service);
            assertThat(port(container, "admin")).as(service).isEqualTo(admin);
            assertProbe(container.getLivenessProbe(), "/health/live", service);
            assertProbe(container.getReadinessProbe(), "/health/ready", service);
            Map<String, String> annotations = podOf(dev, service).getMetadata().getAnnotations();
            assertThat(annotations).as(service).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", String.valueOf(admin))
                    .containsEntry("prometheus.io/path", "/metrics");
        }
    }

    @Test
    void protocolPortsAreTheServicesOwnWithUdpWhereUdp() {
        ServiceKeys web = ServiceKeys.of("web-server");
        assertThat(port(containerOf(dev, "web-server"), "http")).isEqualTo(web.port("webserver.port"));
        ServiceKeys ping = ServiceKeys.of("ping-server");
        Container reflector = containerOf(dev, "ping-server");
        Service headless = find(dev, Service.class, "ping-server");
        for (String mode : List.of("lab", "stamp", "echo")) {
            int expected = ping.port("pingserver.listeners." + mode + ".port");
            ContainerPort containerPort = reflector.getPorts().stream().filter(p -> p.getName().equals(mode))
                    .findFirst().orElseThrow();
            assertThat(containerPort.getContainerPort()).as(mode).isEqualTo(expected);
            assertThat(containerPort.getProtocol()).as(mode).isEqualTo("UDP");
            ServicePort servicePort = headless.getSpec().getPorts().stream().filter(p -> p.getName().equals(mode))
                    .findFirst().orElseThrow();
            assertThat(servicePort.getPort()).as(mode).isEqualTo(expected);
            assertThat(servicePort.getProtocol()).as(mode).isEqualTo("UDP");
        }
    }

    @Test
    void everyNodeProbesEveryNodeThroughTheHeadlessServiceLabelledWithItsNodeName() {
        Service headless = find(dev, Service.class, "ping-server");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(find(dev, DaemonSet.class, "ping-server")).isNotNull();
        assertThat(find(dev, DaemonSet.class, "ping-client")).isNotNull();
        String dnsName = "ping-server.netlab.svc.cluster.local";
        JsonNode targets = ServiceKeys.readYaml(configFile(dev, "ping-client")).path("pingclient").path("targets");
        assertThat(targets).isNotEmpty();
        List<Integer> udpPorts = headless.getSpec().getPorts().stream().filter(p -> p.getProtocol().equals("UDP"))
                .map(ServicePort::getPort).toList();
        targets.forEach(target -> {
            assertThat(target.path("host").asText()).isEqualTo(dnsName);
            assertThat(udpPorts).contains(target.path("port").asInt());
        });
        for (String service : List.of("ping-client", "ping-server")) {
            EnvVar node = containerOf(dev, service).getEnv().stream()
                    .filter(env -> ServiceKeys.keyOfVariable(env.getName()).equals("metrics.tags.node"))
                    .findFirst().orElseThrow(() -> new AssertionError(service + " has no metrics.tags.node"));
            assertThat(node.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        }
    }

    @Test
    void configFilesAndEnvironmentNameOnlyKeysTheServicesKnow() {
        for (String service : DeployFiles.SERVICES) {
            ServiceKeys keys = ServiceKeys.of(service);
            Container container = containerOf(dev, service);
            String file = "/etc/netlab/" + service + ".yaml";
            assertThat(container.getArgs()).as(service).containsExactly("--config", file);
            assertThat(ServiceKeys.keysOf(ServiceKeys.readYaml(configFile(dev, service))))
                    .as(service + " config file").allSatisfy(key -> assertThat(keys.knows(key)).as(key).isTrue());
            // JDK_JAVA_OPTIONS is the JVM's own (the image's java reads it), not a service key.
            assertThat(container.getEnv()).as(service + " environment").allSatisfy(env ->
                    assertThat(env.getName().equals("JDK_JAVA_OPTIONS")
                            || keys.knows(ServiceKeys.keyOfVariable(env.getName()))).as(env.getName()).isTrue());
        }
    }

    @Test
    void theMailClientIsOneReplicaWithItsOutboxOnAClaimAndItsSecretsFromASecret() {
        StatefulSet mail = find(dev, StatefulSet.class, "mail-client");
        assertThat(mail.getSpec().getReplicas()).isEqualTo(1);
        assertThat(mail.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName())
                .containsExactly("outbox");
        Volume secrets = mail.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getSecret() != null).findFirst().orElseThrow();
        Secret secret = find(dev, Secret.class, secrets.getSecret().getSecretName());
        assertThat(secret.getData()).containsKeys("api-token", "smtp-user", "smtp-password");
        JsonNode config = ServiceKeys.readYaml(configFile(dev, "mail-client")).path("mailclient");
        String mountPath = containerOf(dev, "mail-client").getVolumeMounts().stream()
                .filter(m -> m.getName().equals(secrets.getName())).findFirst().orElseThrow().getMountPath();
        assertThat(config.path("api").path("token-file").asText()).isEqualTo(mountPath + "/api-token");
    }

    @Test
    void devRunsOneWebServer() {
        assertThat(find(dev, Deployment.class, "web-server").getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void thePrometheusOperatorOverlayScrapesEachServiceAsItsJobAndHoldsTheRulesFile() {
        List<HasMetadata> objects = render("overlays/prometheus-operator");
        for (String service : DeployFiles.SERVICES) {
            PodMonitor monitor = find(objects, PodMonitor.class, service);
            assertThat(monitor.getSpec().getJobLabel()).isEqualTo("app.kubernetes.io/name");
            assertThat(monitor.getSpec().getSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/name", service);
            assertThat(monitor.getSpec().getPodMetricsEndpoints()).singleElement().satisfies(endpoint -> {
                assertThat(endpoint.getPort()).isEqualTo("admin");
                assertThat(endpoint.getPath()).isEqualTo("/metrics");
            });
            assertThat(podOf(objects, service).getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", service);
        }
        PrometheusRule rule = find(objects, PrometheusRule.class, "netlab");
        JsonNode fromRule = ServiceKeys.readYaml(new KubernetesSerialization().asYaml(rule.getSpec()));
        JsonNode fromFile = ServiceKeys.readYaml(DeployFiles.read("deploy/prometheus/rules/netlab.yml"));
        assertThat(fromRule.path("groups")).as("regenerate prometheus-rule.yaml (command in its header)")
                .isEqualTo(fromFile.path("groups"));
    }

    // --- rendering and finding ---------------------------------------------------------------------------------

    static List<HasMetadata> render(String overlay) {
        Command.requireOnPath("kubectl", "kubectl (with kustomize) renders deploy/k8s; install it to run these tests");
        try {
            String yaml = Command.run(List.of("kubectl", "kustomize", "deploy/k8s/" + overlay), Map.of(), ROOT,
                    Duration.ofSeconds(120)).orFail().output();
            return StrictModel.parse(yaml);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    static PodTemplateSpec podOf(List<HasMetadata> objects, String service) {
        return objects.stream().map(o -> switch (o) {
            case Deployment d when d.getMetadata().getName().equals(service) -> d.getSpec().getTemplate();
            case DaemonSet d when d.getMetadata().getName().equals(service) -> d.getSpec().getTemplate();
            case StatefulSet s when s.getMetadata().getName().equals(service) -> s.getSpec().getTemplate();
            default -> null;
        }).filter(t -> t != null).findFirst().orElseThrow(() -> new AssertionError("no workload " + service));
    }

    static Container containerOf(List<HasMetadata> objects, String service) {
        return podOf(objects, service).getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + service));
    }

    /** The text of the --config file a service's pod mounts from its generated ConfigMap. */
    static String configFile(List<HasMetadata> objects, String service) {
        PodSpec pod = podOf(objects, service).getSpec();
        Container container = containerOf(objects, service);
        String file = container.getArgs().get(container.getArgs().indexOf("--config") + 1);
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/"))
                .findFirst().orElseThrow(() -> new AssertionError(service + ": nothing mounted at " + file));
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow();
        ConfigMap map = find(objects, ConfigMap.class, volume.getConfigMap().getName());
        return Optional.ofNullable(map.getData().get(file.substring(mount.getMountPath().length() + 1)))
                .orElseThrow(() -> new AssertionError(service + ": the ConfigMap has no " + file));
    }

    private static int port(Container container, String name) {
        return container.getPorts().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no port " + name))
                .getContainerPort();
    }

    private static void assertProbe(Probe probe, String path, String service) {
        assertThat(probe.getHttpGet().getPath()).as(service).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(service).isEqualTo("admin");
    }

    private static List<String> writableMounts(PodSpec pod, Container container) {
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        return container.getVolumeMounts().stream()
                .filter(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                .filter(m -> !volumes.containsKey(m.getName()) || volumes.get(m.getName()).getEmptyDir() != null)
                .map(VolumeMount::getMountPath).toList();
    }
}
