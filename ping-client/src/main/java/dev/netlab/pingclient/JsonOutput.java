package dev.netlab.pingclient;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.netlab.kit.admin.Json;
import dev.netlab.pingclient.probe.ReportFields;
import dev.netlab.pingclient.probe.StreamStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command's {@code --format json} object, and the same per-target fields for {@code GET /api/targets}. */
final class JsonOutput {

    private JsonOutput() {
    }

    /** The command's whole object: the fields and every probe's fate. */
    static String command(String target, String address, String mode, StreamStats.Snapshot s) {
        Map<String, Object> json = ReportFields.fields(target, address, mode, s);
        List<Map<String, Object>> probes = s.probes().stream().map(p -> {
            Map<String, Object> probe = new LinkedHashMap<>();
            probe.put("seq", p.seq());
            probe.put("status", p.status());
            probe.put("rtt_ms", p.rttMs());
            return probe;
        }).toList();
        json.put("probes", probes);
        try {
            return Json.MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON report", e);
        }
    }

}
