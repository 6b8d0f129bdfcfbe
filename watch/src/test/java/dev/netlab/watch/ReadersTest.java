package dev.netlab.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.watch.Figures.Listener;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Figures from scrapes and {@code /api/targets} answers shaped like the services' own. */
class ReadersTest {

    private static final long SECOND = 1_000_000_000L;

    private static PrometheusText.Scrape pingServer(double labReceived, double labReflected, double labSimulated) {
        return PrometheusText.parse("""
                # HELP pingserver_packets_received_total Datagrams received
                # TYPE pingserver_packets_received_total counter
                pingserver_packets_received_total{mode="lab"} %s
                pingserver_packets_received_total{mode="stamp"} 10.0
                # HELP pingserver_packets_reflected_total Replies sent
                # TYPE pingserver_packets_reflected_total counter
                pingserver_packets_reflected_total{mode="lab"} %s
                pingserver_packets_reflected_total{mode="stamp"} 10.0
                # HELP pingserver_packets_dropped_total Datagrams dropped
                # TYPE pingserver_packets_dropped_total counter
                pingserver_packets_dropped_total{mode="lab",reason="simulated"} %s
                pingserver_packets_dropped_total{mode="lab",reason="malformed"} 0.0
                pingserver_packets_dropped_total{mode="lab",reason="rate_limited"} 0.0
                # HELP pingserver_senders Senders by state
                # TYPE pingserver_senders gauge
                pingserver_senders{state="active"} 2.0
                pingserver_senders{state="stopped"} 1.0
                """.formatted(labReceived, labReflected, labSimulated));
    }

    private static PrometheusText.Scrape webServer(double ok, double notFound, double... buckets) {
        StringBuilder text = new StringBuilder("""
                # HELP webserver_requests_total HTTP requests answered
                # TYPE webserver_requests_total counter
                webserver_requests_total{method="GET",status="200"} %s
                webserver_requests_total{method="HEAD",status="200"} 0.0
                webserver_requests_total{method="GET",status="404"} %s
                # HELP webserver_request_duration_seconds Time to answer
                # TYPE webserver_request_duration_seconds histogram
                """.formatted(ok, notFound));
        String[] bounds = {"0.001", "0.01", "0.1", "+Inf"};
        for (int i = 0; i < bounds.length; i++) {
            text.append("webserver_request_duration_seconds_bucket{le=\"").append(bounds[i]).append("\"} ")
                    .append(buckets[i]).append('\n');
        }
        text.append("""
                # HELP webserver_connections_active Open client connections
                # TYPE webserver_connections_active gauge
                webserver_connections_active 3.0
                """);
        return PrometheusText.parse(text.toString());
    }

    @Test
    void pingServerRatesArePerListenerAndUnknownUntilTheSecondReading() {
        PingServerReader reader = new PingServerReader();

        Figures.PingServer first = reader.figures(pingServer(100, 60, 40), 0);
        Figures.PingServer second = reader.figures(pingServer(120, 70, 50), 2 * SECOND);

        assertThat(first.listeners().getFirst().receivedPerSecond()).isNull();
        assertThat(second.activeSenders()).isEqualTo(2);
        Listener lab = second.listeners().getFirst();
        assertThat(lab.mode()).isEqualTo("lab");
        assertThat(lab.receivedPerSecond()).isEqualTo(10.0);
        assertThat(lab.reflectedPerSecond()).isEqualTo(5.0);
        assertThat(lab.droppedPerSecond()).containsEntry("simulated", 5.0).containsEntry("malformed", 0.0);
        assertThat(second.listeners().get(1).mode()).isEqualTo("stamp");
        assertThat(second.listeners().get(1).droppedPerSecond().get("simulated")).as("no such series").isNull();
    }

    @Test
    void aCounterThatWentDownWasResetAndCountsFromZero() {
        PingServerReader reader = new PingServerReader();
        reader.figures(pingServer(1000, 600, 400), 0);

        Listener lab = reader.figures(pingServer(30, 20, 10), SECOND).listeners().getFirst();

        assertThat(lab.receivedPerSecond()).isEqualTo(30.0);
    }

    @Test
    void webServerRequestsByClassAndP99FromTheBucketsOfTheLastInterval() {
        WebServerReader reader = new WebServerReader();
        reader.figures(webServer(10, 0, 5, 10, 10, 10), 0);

        // 100 more requests in 1 s: 90 below 1 ms, 9 more below 10 ms, 1 below 100 ms.
        Figures.WebServer web = reader.figures(webServer(105, 5, 95, 109, 110, 110), SECOND);

        assertThat(web.requestsPerSecond()).containsEntry("2xx", 95.0).containsEntry("4xx", 5.0)
                .containsEntry("3xx", 0.0).containsEntry("5xx", 0.0);
        // Rank 99 of 100 falls in the (1 ms, 10 ms] bucket holding ranks 91-99: its upper edge.
        assertThat(web.p99Ms()).isCloseTo(10.0, within(1e-9));
        assertThat(web.openConnections()).isEqualTo(3);
    }

    @Test
    void webServerP99IsUnknownWithoutRequestsInTheInterval() {
        WebServerReader reader = new WebServerReader();
        reader.figures(webServer(10, 0, 5, 10, 10, 10), 0);

        assertThat(reader.figures(webServer(10, 0, 5, 10, 10, 10), SECOND).p99Ms()).isNull();
    }

    @Test
    void mailClientRepliesPerMinuteByClass() {
        MailClientReader reader = new MailClientReader();
        String text = """
                # HELP mailclient_smtp_replies_total SMTP replies
                # TYPE mailclient_smtp_replies_total counter
                mailclient_smtp_replies_total{command="MAIL",code="250"} %s
                mailclient_smtp_replies_total{command="DATA",code="354"} %s
                mailclient_smtp_replies_total{command="RCPT",code="550"} 1.0
                # HELP mailclient_messages_total Messages by outcome
                # TYPE mailclient_messages_total counter
                mailclient_messages_total{outcome="sent"} 7.0
                mailclient_messages_total{outcome="deferred"} 2.0
                mailclient_messages_total{outcome="failed"} 1.0
                # HELP mailclient_outbox_messages Messages waiting
                # TYPE mailclient_outbox_messages gauge
                mailclient_outbox_messages 4.0
                """;
        reader.figures(PrometheusText.parse(text.formatted(10.0, 5.0)), 0);

        Figures.MailClient mail = reader.figures(PrometheusText.parse(text.formatted(12.0, 6.0)), 30 * SECOND);

        assertThat(mail.outbox()).isEqualTo(4);
        assertThat(mail.messages()).containsExactly(Map.entry("sent", 7L), Map.entry("deferred", 2L),
                Map.entry("failed", 1L));
        assertThat(mail.repliesPerMinute()).containsEntry("2xx", 4.0).containsEntry("3xx", 2.0)
                .containsEntry("5xx", 0.0).containsEntry("4xx", 0.0);
    }

    @Test
    void pingClientTargetsWithTheirRecentProbes() throws Exception {
        Figures.PingClient pingClient = PingClientReader.parse("""
                {"targets":[{"target":"lab","address":"127.0.0.1:12000","mode":"lab","transmitted":5,"received":4,
                  "loss_percent":20.0,"late":1,"duplicates":2,"reordered":0,
                  "rtt_ms":{"min":0.17,"avg":3.7,"max":14.4,"mdev":6.1,"p50":0.19,"p90":14.4,"p99":14.4},
                  "jitter_ms":0.788,"recent":[0.2,null,0.3,null],"last_error":null},
                 {"target":"gone.example:12000","address":null,"mode":"stamp","last_error":"resolve: no"}]}
                """);

        Figures.Target lab = pingClient.targets().getFirst();
        assertThat(lab.sent()).isEqualTo(5);
        assertThat(lab.lossPercent()).isEqualTo(20.0);
        assertThat(lab.windowLossPercent()).isEqualTo(50.0);
        assertThat(lab.lastMs()).as("the newest probe answered").isEqualTo(0.3);
        assertThat(lab.p99Ms()).isEqualTo(14.4);
        assertThat(lab.late()).isEqualTo(1);
        assertThat(lab.recent()).containsExactly(0.2, null, 0.3, null);
        Figures.Target gone = pingClient.targets().get(1);
        assertThat(gone.address()).isNull();
        assertThat(gone.lastError()).isEqualTo("resolve: no");
        assertThat(gone.p50Ms()).isNull();
        assertThatThrownBy(() -> PingClientReader.parse("{\"status\":\"ok\"}")).hasMessageContaining("no targets");
    }

    @Test
    void adminAddressesDefaultToTheContractAndTakeOverrides() {
        AdminAddresses addresses = AdminAddresses.of(List.of("ping-client=10.0.0.5:19082", "web-server=[::1]:9180"));

        assertThat(addresses.of(ServiceName.PING_CLIENT)).hasToString("10.0.0.5:19082");
        assertThat(addresses.of(ServiceName.WEB_SERVER).uri("/metrics")).hasToString("http://[::1]:9180/metrics");
        assertThat(addresses.of(ServiceName.MAIL_CLIENT)).hasToString("127.0.0.1:9083");
        assertThatThrownBy(() -> AdminAddresses.of(List.of("ping-client=::1:9082")))
                .hasMessage("--admin ping-client: '::1:9082': write an IPv6 address in brackets, [::1]:9082");
        assertThatThrownBy(() -> AdminAddresses.of(List.of("web-server=host:99999")))
                .hasMessage("--admin web-server: 'host:99999' is not HOST:PORT with a port 1-65535");
        assertThatThrownBy(() -> AdminAddresses.of(List.of("web-server"))).hasMessageContaining("SERVICE=HOST:PORT");
    }

    @Test
    void theJsonFrameSaysWhichServicesAreUpAndWhyOthersAreNot() throws Exception {
        Figures up = Fixtures.defaultStack();
        Figures figures = new Figures(up.at(), up.pingClient(), up.pingServer(),
                new Reading.Down<>("127.0.0.1:9080", "connection refused"), up.mailClient());

        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(JsonFrame.of(figures));

        assertThat(json.get("at").asText()).isEqualTo("2026-11-30T00:31:05Z");
        var services = json.get("services");
        assertThat(services.get("web-server").get("status").asText()).isEqualTo("down");
        assertThat(services.get("web-server").get("reason").asText()).isEqualTo("connection refused");
        var lab = services.get("ping-client").get("targets").get(0);
        assertThat(lab.get("loss_percent").asDouble()).isEqualTo(36.4);
        assertThat(lab.get("recent").get(1).isNull()).isTrue();
        assertThat(services.get("ping-server").get("active_senders").asLong()).isEqualTo(1);
    }
}
