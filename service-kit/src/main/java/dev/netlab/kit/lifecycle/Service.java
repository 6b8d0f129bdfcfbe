package dev.netlab.kit.lifecycle;

import java.util.List;

/** What the kit needs to know to run one service. */
public interface Service {

    /** The service's name as the start line and messages show it: {@code web-server}. */
    String name();

    /** The configuration keys of the engine's listeners' bind addresses, which {@code --bind} sets. */
    List<String> bindAddressKeys();

    /**
     * Keys the service reads that have no default in its {@code application.yaml} (every key there is known already),
     * as patterns in which {@code *} stands for any one name or list index: {@code pingclient.targets.*.labels.*}.
     * Any other key under the service's roots is refused at startup.
     */
    default List<String> optionalKeys() {
        return List.of();
    }

    /**
     * Lists of its {@code application.yaml} that may hold thousands of entries ({@code pingclient.targets}): read from
     * the YAML documents, never built into Helidon's tree, and read with {@code Settings.list}.
     */
    default List<String> longLists() {
        return List.of();
    }

    /**
     * Creates the engine from validated configuration, binding nothing yet.
     *
     * @throws dev.netlab.kit.config.InvalidConfigException when a setting is not usable
     */
    Engine createEngine(ServiceContext context);
}
