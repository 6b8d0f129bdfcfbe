package dev.netlab.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Reads rendered manifests into fabric8's typed Kubernetes model and refuses anything the model does not know: a
 * kind without a model class, or a field anywhere in the tree that landed in a model object's
 * {@code additionalProperties} (a typo, a field at the wrong level).
 */
final class StrictModel {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StrictModel() {
    }

    /** Every document of a multi-document YAML stream as a typed object, or an AssertionError naming the problem. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.isBlank()) {
                continue;
            }
            HasMetadata object = SERIALIZATION.unmarshal(document, HasMetadata.class);
            String name = object.getKind() + "/" + object.getMetadata().getName();
            if (object instanceof GenericKubernetesResource) {
                throw new AssertionError(name + " (" + object.getApiVersion() + ") has no typed model class");
            }
            List<String> unknown = new ArrayList<>();
            collectUnknown(object, name, unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
            if (!unknown.isEmpty()) {
                throw new AssertionError("unknown fields: " + String.join(", ", unknown));
            }
            objects.add(object);
        }
        return objects;
    }

    /** Walks the model's properties (its Jackson-annotated getters), noting every non-empty additionalProperties. */
    private static void collectUnknown(Object value, String path, List<String> unknown, Set<Object> seen) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || !seen.add(value)) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> collectUnknown(child, path + "." + key, unknown, seen));
            return;
        }
        if (value instanceof Collection<?> list) {
            int index = 0;
            for (Object child : list) {
                collectUnknown(child, path + "[" + index++ + "]", unknown, seen);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0) {
                continue;
            }
            try {
                if (getter.getName().equals("getAdditionalProperties")) {
                    Map<?, ?> extra = (Map<?, ?>) getter.invoke(value);
                    if (extra != null && !extra.isEmpty()) {
                        extra.keySet().forEach(key -> unknown.add(path + "." + key));
                    }
                } else if (getter.isAnnotationPresent(JsonProperty.class)) {
                    JsonProperty property = getter.getAnnotation(JsonProperty.class);
                    collectUnknown(getter.invoke(value), path + "." + property.value(), unknown, seen);
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new AssertionError("cannot read " + path + " through " + getter, e);
            }
        }
    }
}
