package dev.netlab.kit.testing;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service (or command) run as a real process by a test: started with the same JDK as the test, its output
 * captured and kept in a file under {@code target/process-logs/} (never on the build's console), its start line
 * parsed for the ports it bound. Every process is destroyed with its descendants on {@link #close()} and, should a
 * test forget, by a JVM shutdown hook.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Pattern ENDPOINT = Pattern.compile("(\\S+)=(tcp|udp)/(\\S+):(\\d+)");
    private static final Path LOG_DIRECTORY = Path.of(System.getProperty("netlab.process.logs", "target/process-logs"));
    private static final AtomicInteger STARTED = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ServiceProcess::destroyTree)));
    }

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final CountDownLatch firstLine = new CountDownLatch(1);
    private final CountDownLatch streamsClosed = new CountDownLatch(2);
    private final Path logFile;
    private final BufferedWriter log;
    private final ReentrantLock logLock = new ReentrantLock();
    private volatile String startLine;

    private ServiceProcess(Process process, String name) throws IOException {
        this.process = process;
        Files.createDirectories(LOG_DIRECTORY);
        this.logFile = LOG_DIRECTORY.resolve(STARTED.incrementAndGet() + "-" + name + "-" + process.pid() + ".log")
                .toAbsolutePath();
        this.log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        pump(process.inputReader(StandardCharsets.UTF_8), stdout, true, "");
        pump(process.errorReader(StandardCharsets.UTF_8), stderr, false, "[stderr] ");
    }

    /** The {@code java} binary running this test. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Runs {@code java -jar jar args...} with {@code env} added to this environment. */
    public static ServiceProcess startJar(Path jar, List<String> args, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString()));
        command.addAll(args);
        return start(command, env, null);
    }

    /** Runs {@code mainClass} on this test's classpath. */
    public static ServiceProcess startClass(Class<?> mainClass, List<String> args, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(args);
        return start(command, env, null);
    }

    /** Runs any command line. */
    public static ServiceProcess start(List<String> command, Map<String, String> env, Path directory)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(env);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        process.getOutputStream().close();
        LIVE.add(process);
        return new ServiceProcess(process, nameOf(command));
    }

    /** A short name for the log file: the jar, the main class, or the program. */
    private static String nameOf(List<String> command) {
        int jar = command.indexOf("-jar");
        int classPath = command.indexOf("-cp");
        String name;
        if (jar >= 0 && jar + 1 < command.size()) {
            name = Path.of(command.get(jar + 1)).getFileName().toString();
        } else if (classPath >= 0 && classPath + 2 < command.size()) {
            name = command.get(classPath + 2);
        } else {
            name = Path.of(command.getFirst()).getFileName().toString();
        }
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * Waits for the first line on standard output (the start line) and returns it.
     *
     * @throws AssertionError when the process exits or the time runs out first, with what it printed
     */
    public String awaitStartLine(Duration timeout) throws InterruptedException {
        if (!firstLine.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || startLine == null) {
            throw new AssertionError("no start line within " + timeout + "; alive=" + process.isAlive()
                    + " (log: " + logFile + ")\nstdout: " + stdout + "\nstderr: " + stderr);
        }
        return startLine;
    }

    /** The ports named in the start line: {@code {web=8080, admin=9080}}. */
    public Map<String, Integer> ports(Duration timeout) throws InterruptedException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Matcher m = ENDPOINT.matcher(awaitStartLine(timeout));
        while (m.find()) {
            ports.put(m.group(1), Integer.parseInt(m.group(4)));
        }
        return ports;
    }

    /**
     * Sends SIGTERM. Through the process handle: {@code Process.destroy()} would also close our ends of its output
     * pipes and lose what it prints while it drains.
     */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** Sends SIGTERM and waits for the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        sigterm();
        return awaitExit(timeout);
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            destroyTree(process);
            throw new AssertionError("process did not exit within " + timeout + " (log: " + logFile
                    + ")\nstdout: " + stdout + "\nstderr: " + stderr);
        }
        LIVE.remove(process);
        // The output readers finish right after the process; wait so that stdout()/stderr() are complete.
        if (!streamsClosed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the output streams stayed open after the process exited (a child holds them?)");
        }
        return process.exitValue();
    }

    public String stdout() {
        return stdout.toString();
    }

    public String stderr() {
        return stderr.toString();
    }

    public Process process() {
        return process;
    }

    /** The file holding everything the process printed, standard error lines marked {@code [stderr]}. */
    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        destroyTree(process);
        LIVE.remove(process);
    }

    private static void destroyTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump(BufferedReader reader, StringBuffer sink, boolean watchFirstLine, String logPrefix) {
        Thread.ofVirtual().start(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.append(line).append('\n');
                    writeLog(logPrefix + line);
                    if (watchFirstLine && startLine == null) {
                        startLine = line;
                        firstLine.countDown();
                    }
                }
            } catch (IOException e) {
                // The process is gone; what it printed is kept.
            } finally {
                if (watchFirstLine) {
                    firstLine.countDown();
                }
                streamsClosed.countDown();
                if (streamsClosed.getCount() == 0) {
                    closeLog();
                }
            }
        });
    }

    private void writeLog(String line) {
        logLock.lock();
        try {
            log.write(line);
            log.newLine();
            log.flush();
        } catch (IOException e) {
            // The file is a copy; the output stays captured in memory and the pump must go on reading.
        } finally {
            logLock.unlock();
        }
    }

    private void closeLog() {
        logLock.lock();
        try {
            log.close();
        } catch (IOException e) {
            // What was written is kept.
        } finally {
            logLock.unlock();
        }
    }
}
