package dev.netlab.mailclient.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built jar as users run it: the send subcommand, its help, its usage errors, its argument charset warning. */
class SendJarIT {

    private static final Path JAR = Path.of("target/mail-client.jar");
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Runs the jar through sh so that the subject's bytes reach it exactly as a shell passes them (UTF-8). */
    private static ServiceProcess dryRunWithUtf8Subject(String locale) throws Exception {
        String script = "exec \"$0\" -jar \"$1\" send --dry-run --from alice@example.org --to bob@example.org"
                + " --subject \"$(printf 'Gr\\303\\274\\303\\237e')\"";
        return ServiceProcess.start(List.of("/bin/sh", "-c", script, ServiceProcess.javaBinary(), JAR.toString()),
                Map.of("LC_ALL", locale, "LANG", locale), null);
    }

    @Test
    void underAUtf8LocaleANonAsciiSubjectArrivesIntact() throws Exception {
        try (ServiceProcess process = dryRunWithUtf8Subject("C.UTF-8")) {
            assertThat(process.awaitExit(WAIT)).as(process.stderr()).isZero();
            assertThat(process.stdout()).contains("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=");
            assertThat(process.stderr()).doesNotContain("WARNING");
        }
    }

    @Test
    void underAnAsciiLocaleSendWarnsThatNonAsciiArgumentsMayBeDamaged() throws Exception {
        try (ServiceProcess process = dryRunWithUtf8Subject("C")) {
            assertThat(process.awaitExit(WAIT)).as(process.stderr()).isZero();
            assertThat(process.stderr()).contains("*** WARNING: arguments were decoded as", "--subject-file");
        }
    }

    @Test
    void helpListsTheOptionsAndExitCodes() throws Exception {
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("send", "--help"), Map.of())) {
            assertThat(process.awaitExit(WAIT)).isZero();
            assertThat(process.stdout()).contains("--server", "--password-file", "--quit-after", "--pin-sha256",
                    "28  authentication failed", "29  TLS failure");
        }
    }

    @Test
    void aPasswordIsNeverTakenAsAnArgumentAndUsageErrorsExit2() throws Exception {
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("send", "--server", "localhost",
                "--from", "a@example.org", "--to", "b@example.org", "--user", "a", "--password", "x"), Map.of())) {
            assertThat(process.awaitExit(WAIT)).isEqualTo(2);
            assertThat(process.stderr()).contains("--password");
        }
        // No terminal to prompt on and no password source: refused before connecting.
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("send", "--server", "localhost:1",
                "--from", "a@example.org", "--to", "b@example.org", "--user", "a"), Map.of())) {
            assertThat(process.awaitExit(WAIT)).isEqualTo(2);
            assertThat(process.stderr()).contains("--password-env VAR or --password-file FILE");
        }
    }
}
