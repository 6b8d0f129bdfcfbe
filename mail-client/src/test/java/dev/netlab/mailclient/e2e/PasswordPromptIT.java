package dev.netlab.mailclient.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a terminal, {@code --user} without a password source prompts for the password (util-linux script gives a pty). */
class PasswordPromptIT {

    @TempDir
    Path dir;

    @Test
    void withATerminalThePasswordIsPromptedForAndUsed() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assertThat(script).as("util-linux's script (package bsdutils) runs the command on a pseudo-terminal")
                .isExecutable();
        TestPki pki = TestPki.create("Prompt CA");
        Path ca = pki.writeCaPem(dir.resolve("ca.pem"));
        Path input = Files.writeString(dir.resolve("typed"), "typed-secret\n");
        try (EmbeddedSmtpServer server = EmbeddedSmtpServer.startTlsWithAuth(
                pki.issue("localhost", true).serverContext(), "bob", "typed-secret")) {
            String command = String.join(" ", ServiceProcess.javaBinary(), "-jar",
                    Path.of("target/mail-client.jar").toAbsolutePath().toString(), "send", "--server",
                    "localhost:" + server.port(), "--ca-file", ca.toString(), "--user", "bob", "--from",
                    "bob@example.org", "--to", "ann@example.org", "--body", "prompted", "--timeout", "20s");
            Process process = new ProcessBuilder(List.of(script.toString(), "-qec", command, "/dev/null"))
                    .redirectInput(input.toFile()).redirectErrorStream(true).start();
            try {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("send finished").isTrue();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(process.exitValue()).as(output).isZero();
                assertThat(output).contains("Password for bob:", "~> AUTH PLAIN <redacted>", "<~  235");
                assertThat(server.received()).hasSize(1);
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
