package dev.netlab.watch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A private tmux server (its own socket) holding one window of a fixed size: a real terminal for a test. */
final class Tmux implements AutoCloseable {

    private final String socket;
    private final String session = "watch";

    private Tmux(String socket) {
        this.socket = socket;
    }

    /**
     * Starts {@code command} (a shell command line) in a new detached window of {@code width} x {@code height}; the
     * pane stays readable after the command ends.
     */
    static Tmux start(String command, int width, int height, Path dir) throws IOException, InterruptedException {
        Tmux tmux = new Tmux("netlab-watch-it-" + ProcessHandle.current().pid());
        Path config = Files.writeString(dir.resolve("tmux.conf"), "set -g remain-on-exit on\n");
        tmux.run("-f", config.toString(), "new-session", "-d", "-s", tmux.session, "-x", Integer.toString(width),
                "-y", Integer.toString(height), command);
        return tmux;
    }

    /** The pane's text now, one string per row. */
    List<String> capture() throws IOException, InterruptedException {
        return List.of(run("capture-pane", "-p", "-t", session).split("\n", -1));
    }

    void sendKeys(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        run(args.toArray(String[]::new));
    }

    void resize(int width, int height) throws IOException, InterruptedException {
        run("resize-window", "-t", session, "-x", Integer.toString(width), "-y", Integer.toString(height));
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-u", "-L", socket));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C.UTF-8");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("tmux " + String.join(" ", args) + " did not finish");
        }
        if (process.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run("kill-server");
        } catch (IOException e) {
            // The server ended with its last window.
        }
    }
}
