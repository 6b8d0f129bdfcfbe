package dev.netlab.watch;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The admin address of every service: the contract ports on 127.0.0.1 unless {@code --admin} says otherwise. */
final class AdminAddresses {

    private final Map<ServiceName, AdminAddress> addresses;

    private AdminAddresses(Map<ServiceName, AdminAddress> addresses) {
        this.addresses = Collections.unmodifiableMap(addresses);
    }

    /** The defaults overridden by each {@code SERVICE=HOST:PORT}; a bad one throws naming it. */
    static AdminAddresses of(List<String> overrides) {
        Map<ServiceName, AdminAddress> addresses = new EnumMap<>(ServiceName.class);
        for (ServiceName service : ServiceName.values()) {
            addresses.put(service, new AdminAddress("127.0.0.1", service.adminPort()));
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--admin '" + override + "' is not SERVICE=HOST:PORT");
            }
            String name = override.substring(0, eq);
            ServiceName service = ServiceName.of(name).orElseThrow(() -> new IllegalArgumentException(
                    "--admin: unknown service '" + name + "' (" + ServiceName.labels() + ")"));
            try {
                addresses.put(service, AdminAddress.parse(override.substring(eq + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--admin " + name + ": " + e.getMessage());
            }
        }
        return new AdminAddresses(addresses);
    }

    AdminAddress of(ServiceName service) {
        return addresses.get(service);
    }
}
