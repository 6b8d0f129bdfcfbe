package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar's TLS listener as curl sees it, and the access log it flushes on SIGTERM. */
class TlsIT {

    private static final Path JAR = Path.of("target/web-server.jar");
    private static final Path SITE = Path.of("www");
    private static final Duration START = Duration.ofSeconds(60);
    private static final String PASSWORD = "it-Passw0rd-23";

    @TempDir
    static Path keys;
    private static TestCertificates.Pkcs12 keystore;
    private static TestCertificates.Pem pem;

    @BeforeAll
    static void certificates() throws Exception {
        keystore = TestCertificates.pkcs12(keys, "server", PASSWORD);
        pem = TestCertificates.pem(keys, "pem");
    }

    private static Map<String, String> tlsEnvironment(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("ADMIN_PORT", "0", "WEBSERVER_TLS_ENABLED", "true",
                "WEBSERVER_TLS_PORT", "0"));
        env.putAll(more);
        return env;
    }

    @Test
    void curlGetsThePageOverTls13And12WithAlpnHttp11AndTls11And10AreRefused() throws Exception {
        Path log = keys.resolve("access.jsonl");
        Map<String, String> env = tlsEnvironment(Map.of(
                "WEBSERVER_TLS_KEYSTORE", keystore.keystore().toString(),
                "WEBSERVER_TLS_KEYSTORE_dash_PASSWORD_dash_ENV", "NETLAB_IT_TLS_PASSWORD",
                "NETLAB_IT_TLS_PASSWORD", PASSWORD,
                "WEBSERVER_ACCESS_dash_LOG_ENABLED", "true",
                "WEBSERVER_ACCESS_dash_LOG_FORMAT", "json",
                "WEBSERVER_ACCESS_dash_LOG_TARGET", log.toString()));
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("--root", SITE.toString(), "--port", "0"),
                env)) {
            assertThat(process.awaitStartLine(START)).matches("web-server started in \\d+ ms: "
                    + "web=tcp/127\\.0\\.0\\.1:\\d+ tls=tcp/127\\.0\\.0\\.1:\\d+ admin=tcp/127\\.0\\.0\\.1:\\d+");
            String url = "https://localhost:" + process.ports(START).get("tls") + "/HelloWorld.html";
            Curl tls13 = curl(keystore.certificate(), url, "--tlsv1.3");
            assertThat(tls13.exit()).as(tls13.output()).isZero();
            assertThat(tls13.output()).contains("Congratulations! The Web Server is working fine!")
                    .contains("SSL connection using TLSv1.3").contains("ALPN: server accepted http/1.1");
            Curl tls12 = curl(keystore.certificate(), url, "--tlsv1.2", "--tls-max", "1.2");
            assertThat(tls12.exit()).as(tls12.output()).isZero();
            assertThat(tls12.output()).contains("SSL connection using TLSv1.2").contains("Congratulations!");
            // The client offers TLS 1.1 only (its own floor lowered): the server answers with a protocol_version alert.
            Curl tls11 = curl(keystore.certificate(), url, "--tlsv1.1", "--tls-max", "1.1",
                    "--ciphers", "DEFAULT@SECLEVEL=0");
            assertThat(tls11.exit()).as(tls11.output()).isEqualTo(35);
            assertThat(tls11.output()).contains("alert protocol version");
            Curl tls10 = curl(keystore.certificate(), url, "--tlsv1.0", "--tls-max", "1.0",
                    "--ciphers", "DEFAULT@SECLEVEL=0");
            assertThat(tls10.exit()).as(tls10.output()).isEqualTo(35);
            assertThat(tls10.output()).contains("alert protocol version");
            assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
            assertThat(process.stderr()).doesNotContain(PASSWORD);
        }
        // Written by the background writer, flushed by the SIGTERM drain: the two answered requests.
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).hasSize(2).allSatisfy(line -> {
            assertThat(line.get("target").asText()).isEqualTo("/HelloWorld.html");
            assertThat(line.get("status").asInt()).isEqualTo(200);
            assertThat(line.get("user_agent").asText()).startsWith("curl/");
        });
    }

    @Test
    void pemCertificateAndKeyFromOpenssl() throws Exception {
        Map<String, String> env = tlsEnvironment(Map.of("WEBSERVER_TLS_CERTIFICATE", pem.certificate().toString(),
                "WEBSERVER_TLS_PRIVATE_dash_KEY", pem.privateKey().toString()));
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("--root", SITE.toString(), "--port", "0"),
                env)) {
            process.awaitStartLine(START);
            Curl curl = curl(pem.certificate(), "https://127.0.0.1:" + process.ports(START).get("tls") + "/");
            assertThat(curl.exit()).as(curl.output()).isZero();
            assertThat(curl.output()).contains("href=\"HelloWorld.html\"");
            assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aWrongKeystorePasswordIsExit2WithOneLineNamingItsSourceNotThePassword() throws Exception {
        Map<String, String> env = tlsEnvironment(Map.of("WEBSERVER_TLS_KEYSTORE", keystore.keystore().toString(),
                "WEBSERVER_TLS_KEYSTORE_dash_PASSWORD_dash_ENV", "NETLAB_IT_TLS_PASSWORD",
                "NETLAB_IT_TLS_PASSWORD", "wrong-" + PASSWORD));
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("--root", SITE.toString(), "--port", "0"),
                env)) {
            assertThat(process.awaitExit(START)).isEqualTo(2);
            assertThat(process.stderr().strip()).contains("webserver.tls.keystore-password-env")
                    .contains("NETLAB_IT_TLS_PASSWORD").doesNotContain(PASSWORD).doesNotContain("\n");
        }
    }

    /** What curl printed (verbose, errors included) and its exit code. */
    private record Curl(int exit, String output) {
    }

    private static Curl curl(Path trusted, String url, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--verbose", "--fail",
                "--max-time", "20", "--cacert", trusted.toString()));
        command.addAll(List.of(options));
        command.add(url);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return new Curl(curl.exitValue(), out);
        } finally {
            curl.destroyForcibly();
        }
    }
}
