package dev.netlab.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The provisioned dashboard, grafana/dashboards/netlab.json, as its panels and their queries. */
final class Dashboard {

    /** One query of one panel. */
    record Query(int panelId, String panelTitle, String refId, String expr, boolean instant) {

        /** The expression as Prometheus runs it with every variable set to "All" over {@code range}. */
        String resolved(String rateInterval, String range) {
            return expr.replace("$__rate_interval", rateInterval).replace("$__range", range)
                    .replace("$instance", ".*").replace("$target", ".*");
        }

        @Override
        public String toString() {
            return "panel " + panelId + " \"" + panelTitle + "\" query " + refId;
        }
    }

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*), *\\w+\\)");

    private final JsonNode root;

    private Dashboard(JsonNode root) {
        this.root = root;
    }

    static Dashboard load(Path file) throws IOException {
        return new Dashboard(new ObjectMapper().readTree(file.toFile()));
    }

    JsonNode root() {
        return root;
    }

    /** Every panel, rows included, and the panels of collapsed rows. */
    List<JsonNode> allPanels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The panels that show data: every panel but rows. */
    List<JsonNode> dataPanels() {
        return allPanels().stream().filter(p -> !p.path("type").asText().equals("row")).toList();
    }

    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : dataPanels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("id").asInt(), panel.path("title").asText(),
                        target.path("refId").asText(), target.path("expr").asText(),
                        target.path("instant").asBoolean(false)));
            }
        }
        return queries;
    }

    /** The series selectors of the template variables' label_values(...) queries. */
    List<String> variableSelectors() {
        List<String> selectors = new ArrayList<>();
        for (JsonNode variable : root.path("templating").path("list")) {
            Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
            if (m.matches()) {
                selectors.add(m.group(1).replace("$instance", ".*").replace("$target", ".*"));
            }
        }
        return selectors;
    }

    /** Every metric name a panel or variable selects, {@code up} (Prometheus' own) excluded. */
    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        List<String> exprs = new ArrayList<>(queries().stream().map(Query::expr).toList());
        exprs.addAll(variableSelectors());
        for (String expr : exprs) {
            Matcher m = SELECTOR.matcher(expr);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        names.remove("up");
        return names;
    }
}
