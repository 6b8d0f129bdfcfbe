package dev.netlab.watch;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.watch.Figures.MailClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mail-client's outbox depth, messages by outcome and SMTP replies per minute by class, from {@code /metrics}. */
final class MailClientReader implements MetricsReader<MailClient> {

    static final List<String> OUTCOMES = List.of("sent", "deferred", "failed");
    static final List<String> CLASSES = List.of("2xx", "3xx", "4xx", "5xx");

    private final CounterDeltas replies = new CounterDeltas();

    @Override
    public MailClient figures(PrometheusText.Scrape scrape, long nanoTime) {
        Map<String, Double> outcomes = Scrapes.sumBy(scrape, "mailclient_messages_total", l -> l.get("outcome"));
        Map<String, Long> messages = new LinkedHashMap<>();
        for (String outcome : OUTCOMES) {
            messages.put(outcome, Math.round(outcomes.getOrDefault(outcome, 0.0)));
        }
        CounterDeltas.Deltas byClass = replies.update(
                Scrapes.sumBy(scrape, "mailclient_smtp_replies_total", l -> Scrapes.statusClass(l.get("code"))),
                nanoTime);
        Map<String, Double> perMinute = new LinkedHashMap<>();
        for (String replyClass : CLASSES) {
            Double rate = byClass.perSecond(replyClass);
            // Reply codes appear as servers answer: one unseen so far has had no replies.
            perMinute.put(replyClass, rate != null ? Double.valueOf(rate * 60) : byClass.seconds() > 0 ? Double.valueOf(0) : null);
        }
        long outbox = Math.round(Scrapes.sum(scrape, "mailclient_outbox_messages"));
        return new MailClient(outbox, messages, perMinute);
    }

    @Override
    public void reset() {
        replies.reset();
    }
}
