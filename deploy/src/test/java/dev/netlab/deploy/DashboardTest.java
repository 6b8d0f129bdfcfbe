package dev.netlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.kit.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard and its provisioning files as Grafana 10 and 11 load them, checked without Grafana. */
class DashboardTest {

    static final Path ROOT = Path.of(System.getProperty("netlab.root", "..")).toAbsolutePath().normalize();
    static final Path JSON = ROOT.resolve("grafana/dashboards/netlab.json");
    private static final String DATASOURCE = "${datasource}";
    private static final Set<String> CORE_PANEL_TYPES = Set.of("row", "timeseries", "stat", "heatmap", "gauge",
            "bargauge", "table", "text", "barchart", "state-timeline");
    private static final Pattern RANGE_FUNCTION = Pattern.compile("\\b(\\w+)\\([^()\\[]*\\[([^\\]]*)\\]");

    private final Dashboard dashboard = load();

    private static Dashboard load() {
        try {
            return Dashboard.load(JSON);
        } catch (Exception e) {
            throw new AssertionError("grafana/dashboards/netlab.json does not parse", e);
        }
    }

    @Test
    void theCommittedJsonIsWhatTheGeneratorWrites() throws Exception {
        try (ServiceProcess check = ServiceProcess.start(List.of("python3", "grafana/dashboard.py", "--check"),
                Map.of(), ROOT)) {
            assertThat(check.awaitExit(Duration.ofSeconds(60))).as(check.stderr()).isZero();
        }
    }

    @Test
    void isProvisionedAsIsWithoutExportPlaceholders() throws Exception {
        String text = Files.readString(JSON);
        assertThat(text).doesNotContain("__inputs").doesNotContain("${DS_");
        JsonNode root = dashboard.root();
        assertThat(root.path("uid").asText()).isEqualTo("netlab");
        // Grafana 10.0 writes 38, 11.x writes 39 to 41; both load either.
        assertThat(root.path("schemaVersion").asInt()).isBetween(36, 41);
    }

    @Test
    void hasTheDatasourceInstanceAndTargetVariables() {
        List<JsonNode> variables = new ArrayList<>();
        dashboard.root().path("templating").path("list").forEach(variables::add);
        assertThat(variables).extracting(v -> v.path("name").asText())
                .containsExactly("datasource", "instance", "target");
        assertThat(variables.get(0).path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get(0).path("query").asText()).isEqualTo("prometheus");
        for (JsonNode variable : variables.subList(1, 3)) {
            assertThat(variable.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE);
            assertThat(variable.path("includeAll").asBoolean()).isTrue();
            assertThat(variable.path("allValue").asText()).isEqualTo(".*");
        }
    }

    @Test
    void panelIdsAreUniqueAndEveryDataPanelHasACoreTypeTheDatasourceVariableAndAUnit() {
        List<Integer> ids = dashboard.allPanels().stream().map(p -> p.path("id").asInt()).toList();
        assertThat(ids).doesNotHaveDuplicates().doesNotContain(0);
        assertThat(dashboard.allPanels()).allSatisfy(p -> assertThat(CORE_PANEL_TYPES).contains(p.path("type").asText()));
        assertThat(dashboard.dataPanels()).hasSizeGreaterThan(25).allSatisfy(panel -> {
            String name = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(name).isEqualTo(DATASOURCE);
            assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText()).as(name).isNotBlank();
            assertThat(panel.path("description").asText()).as(name).isNotBlank();
            assertThat(panel.path("targets")).as(name).isNotEmpty().allSatisfy(target -> {
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE);
                assertThat(target.path("legendFormat").asText()).as(name).isNotBlank();
            });
        });
    }

    @Test
    void hasARowPerServiceAndOneForTheJvms() {
        assertThat(dashboard.allPanels()).filteredOn(p -> p.path("type").asText().equals("row"))
                .extracting(p -> p.path("title").asText()).contains("Ping", "Web", "Mail", "JVM");
    }

    @Test
    void everyRangeUsesRateIntervalOrTheDashboardRange() {
        for (Dashboard.Query query : dashboard.queries()) {
            Matcher m = RANGE_FUNCTION.matcher(query.expr());
            while (m.find()) {
                assertThat(m.group(2)).as(query + ": " + m.group()).isIn("$__rate_interval", "$__range");
                assertThat(m.group(2).equals("$__range")).as(query + " uses $__range outside an instant query")
                        .isEqualTo(query.instant());
            }
        }
    }

    @Test
    void everyQueryFiltersOnTheInstanceAndPingQueriesOnTheTarget() {
        for (Dashboard.Query query : dashboard.queries()) {
            assertThat(query.expr()).as(query.toString()).contains("instance=~\"$instance\"");
            if (query.expr().contains("pingclient_")) {
                assertThat(query.expr()).as(query.toString()).contains("target=~\"$target\"");
            }
        }
    }

    @Test
    void theDatasourceHasTheFixedUidAndItsUrlFromTheEnvironment() throws Exception {
        String datasource = Files.readString(ROOT.resolve("grafana/provisioning/datasources/prometheus.yaml"));
        assertThat(datasource).contains("uid: netlab-prometheus").contains("type: prometheus")
                .containsPattern("(?m)^\\s+url: \\$PROMETHEUS_URL\\s*$");
        String provider = Files.readString(ROOT.resolve("grafana/provisioning/dashboards/netlab.yaml"));
        assertThat(provider).contains("type: file").containsPattern("(?m)^\\s+path: \\$GRAFANA_DASHBOARDS_PATH\\s*$");
    }
}
