package dev.netlab.mailclient.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    private static Reply ehlo(String... lines) {
        return new Reply(250, Optional.empty(), List.of(lines));
    }

    @Test
    void everyExtensionWeUseIsRecognised() {
        Capabilities caps = Capabilities.parse(ehlo("smtp.gmail.com at your service", "SIZE 35882577", "8BITMIME",
                "STARTTLS", "ENHANCEDSTATUSCODES", "PIPELINING", "CHUNKING", "SMTPUTF8",
                "AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH"));
        assertThat(caps.extended()).isTrue();
        assertThat(caps.startTls()).isTrue();
        assertThat(caps.size()).hasValue(35882577);
        assertThat(caps.eightBitMime()).isTrue();
        assertThat(caps.pipelining()).isTrue();
        assertThat(caps.smtpUtf8()).isTrue();
        assertThat(caps.enhancedStatusCodes()).isTrue();
        assertThat(caps.authMechanisms()).contains("LOGIN", "PLAIN", "XOAUTH2");
    }

    @Test
    void theGreetingLineIsNotACapabilityAndNothingIsAssumed() {
        Capabilities caps = Capabilities.parse(ehlo("STARTTLS is not a capability on the first line"));
        assertThat(caps.startTls()).isFalse();
        assertThat(caps.size()).isEmpty();
        assertThat(caps.authMechanisms()).isEmpty();
    }

    @Test
    void legacyAuthEqualsFormAndSizeWithoutLimitAndLowerCase() {
        Capabilities caps = Capabilities.parse(ehlo("host", "auth=login plain", "size", "starttls"));
        assertThat(caps.authMechanisms()).containsExactlyInAnyOrder("LOGIN", "PLAIN");
        assertThat(caps.size()).hasValue(0);
        assertThat(caps.startTls()).isTrue();
    }

    @Test
    void theStrongestOfferedMechanismIsChosenUnlessOneIsForced() {
        assertThat(AuthMechanism.choose(Optional.empty(), java.util.Set.of("LOGIN", "PLAIN", "XOAUTH2")))
                .contains(AuthMechanism.PLAIN);
        assertThat(AuthMechanism.choose(Optional.empty(), java.util.Set.of("LOGIN"))).contains(AuthMechanism.LOGIN);
        assertThat(AuthMechanism.choose(Optional.empty(), java.util.Set.of("CRAM-MD5"))).isEmpty();
        assertThat(AuthMechanism.choose(Optional.of(AuthMechanism.XOAUTH2), java.util.Set.of("PLAIN", "XOAUTH2")))
                .contains(AuthMechanism.XOAUTH2);
        assertThat(AuthMechanism.choose(Optional.of(AuthMechanism.LOGIN), java.util.Set.of("PLAIN"))).isEmpty();
    }

    @Test
    void timeoutDefaultsAreRfc5321s() {
        Timeouts t = Timeouts.rfcDefaults();
        assertThat(t.of(Timeouts.Stage.GREETING)).hasMinutes(5);
        assertThat(t.of(Timeouts.Stage.MAIL)).hasMinutes(5);
        assertThat(t.of(Timeouts.Stage.RCPT)).hasMinutes(5);
        assertThat(t.of(Timeouts.Stage.DATA_INIT)).hasMinutes(2);
        assertThat(t.of(Timeouts.Stage.DATA_BLOCK)).hasMinutes(3);
        assertThat(t.of(Timeouts.Stage.DATA_END)).hasMinutes(10);
        assertThat(t.with(Timeouts.Stage.DATA_END, java.time.Duration.ofSeconds(7)).of(Timeouts.Stage.DATA_END))
                .hasSeconds(7);
    }
}
