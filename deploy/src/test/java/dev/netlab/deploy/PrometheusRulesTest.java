package dev.netlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Both Prometheus configurations and the shared rules, checked and unit-tested by Debian's promtool. */
class PrometheusRulesTest {

    private static final Path DIR = DashboardTest.ROOT.resolve("deploy/prometheus");
    private static final Duration WAIT = Duration.ofSeconds(60);

    static ServiceProcess promtool(Path directory, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        try {
            return ServiceProcess.start(command, Map.of(), directory);
        } catch (IOException e) {
            throw new AssertionError("promtool is not installed (Debian's prometheus): sudo .ci/run --install-only", e);
        }
    }

    private static void passes(Path directory, String... args) throws Exception {
        try (ServiceProcess promtool = promtool(directory, args)) {
            assertThat(promtool.awaitExit(WAIT)).as("promtool %s\n%s%s", String.join(" ", args), promtool.stdout(),
                    promtool.stderr()).isZero();
        }
    }

    @Test
    void bothConfigurationsAreValidAndLoadTheRules() throws Exception {
        for (String config : List.of("prometheus-local.yml", "prometheus.yml")) {
            try (ServiceProcess check = promtool(DIR, "check", "config", config)) {
                assertThat(check.awaitExit(WAIT)).as(check.stdout() + check.stderr()).isZero();
                assertThat(check.stdout()).contains("SUCCESS: 1 rule files found");
            }
        }
    }

    @Test
    void theRulesAreValid() throws Exception {
        passes(DIR, "check", "rules", "rules/netlab.yml");
    }

    @Test
    void theRulesUnitTestsPass() throws Exception {
        passes(DIR.resolve("rules"), "test", "rules", "netlab.test.yml");
    }

    @Test
    void everyRuleIsCoveredByAUnitTest() throws Exception {
        String rules = Files.readString(DIR.resolve("rules/netlab.yml"));
        String tests = Files.readString(DIR.resolve("rules/netlab.test.yml"));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s+- (record|alert): (\\S+)").matcher(rules);
        while (m.find()) {
            names.add(m.group(2));
            String covered = m.group(1).equals("record") ? "expr: " + m.group(2) : "alertname: " + m.group(2);
            assertThat(tests).as("netlab.test.yml tests " + m.group(2)).contains(covered);
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(11);
    }

    @Test
    void bothConfigurationsScrapeTheSameJobsAndMarkTheLabTargetLossy() throws Exception {
        String local = Files.readString(DIR.resolve("prometheus-local.yml"));
        String compose = Files.readString(DIR.resolve("prometheus.yml"));
        for (String job : List.of("web-server", "ping-server", "ping-client", "mail-client")) {
            assertThat(local).contains("job_name: " + job);
            assertThat(compose).contains("job_name: " + job);
        }
        assertThat(compose).contains("\"web-server:9080\"", "\"ping-server:9081\"", "\"ping-client:9082\"",
                "\"mail-client:9083\"");
        // Everything after the targets is shared: the rules file and the lossy relabeling.
        assertThat(compose.substring(compose.indexOf("global:")).replaceAll("\"[a-z-]+:(908\\d)\"", "P$1"))
                .isEqualTo(local.substring(local.indexOf("global:")).replaceAll("\"127\\.0\\.0\\.1:(908\\d)\"", "P$1"));
    }
}
