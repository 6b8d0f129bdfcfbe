package dev.netlab.pingserver.senders;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One sender as {@code GET /api/senders} shows it.
 *
 * @param address        the sender's IP address
 * @param port           the sender's UDP port
 * @param mode           the listener it talks to ({@code lab} or {@code stamp})
 * @param packets        datagrams received from it (rate-limited ones excluded)
 * @param lastSeq        the last sequence number received, or null when none was readable
 * @param forwardLost    sequence numbers it used that never arrived
 * @param reordered      datagrams that arrived after a higher sequence number
 * @param lastSeen       when it was last heard from (ISO-8601, UTC)
 * @param stopped        silent for longer than {@code pingserver.senders.silence}
 * @param oneWayDelayMs  receive time minus the sender's timestamp, in ms: depends on both clocks agreeing
 */
public record SenderView(
        @JsonProperty("address") String address,
        @JsonProperty("port") int port,
        @JsonProperty("mode") String mode,
        @JsonProperty("packets") long packets,
        @JsonProperty("last_seq") Long lastSeq,
        @JsonProperty("forward_lost") long forwardLost,
        @JsonProperty("reordered") long reordered,
        @JsonProperty("last_seen") String lastSeen,
        @JsonProperty("stopped") boolean stopped,
        @JsonProperty("one_way_delay_ms") Double oneWayDelayMs) {

    /** Always true: a one-way delay is only as good as the agreement of the two clocks. */
    @JsonProperty("one_way_delay_clock_dependent")
    public boolean oneWayDelayClockDependent() {
        return true;
    }
}
