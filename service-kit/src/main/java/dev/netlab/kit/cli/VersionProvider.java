package dev.netlab.kit.cli;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code --version}: the jar's version from its manifest and the Java runtime, the same look for every jar. */
public final class VersionProvider implements IVersionProvider {

    @Spec
    private CommandSpec spec;

    @Override
    public String[] getVersion() {
        Object command = spec.root().userObject();
        String version = command.getClass().getPackage().getImplementationVersion();
        return new String[] {
            spec.root().name() + " " + (version == null ? "(development build)" : version),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
