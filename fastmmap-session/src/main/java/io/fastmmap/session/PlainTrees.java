package io.fastmmap.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists and maps of immutable values, as JSON comes back ({@code ArrayList}, {@code LinkedHashMap}): mutable, so a
 * request must get its own, but copying one takes a fraction of deserializing it again. {@link SessionRecord} keeps
 * one such value per attribute and hands out copies.
 */
final class PlainTrees {
    /** Deeper values (or a list that contains itself, which Java serialization can make) are not kept. */
    private static final int MAX_DEPTH = 32;

    private PlainTrees() {
    }

    /** @return true when {@code value} is an ArrayList or LinkedHashMap whose leaves are all immutable (or null) */
    static boolean isTree(Object value) {
        return isTree(value, 0);
    }

    private static boolean isTree(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        if (value instanceof ArrayList<?> list && value.getClass() == ArrayList.class) {
            for (Object element : list) {
                if (!isLeafOrTree(element, depth)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof LinkedHashMap<?, ?> map && value.getClass() == LinkedHashMap.class) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!SessionRecord.isShareable(e.getKey()) || !isLeafOrTree(e.getValue(), depth)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean isLeafOrTree(Object value, int depth) {
        return value == null || SessionRecord.isShareable(value) || isTree(value, depth + 1);
    }

    /** @return a copy of a tree ({@link #isTree}) that shares only its immutable leaves */
    static Object copy(Object tree) {
        if (tree instanceof ArrayList<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(copy(element));
            }
            return copy;
        }
        if (tree instanceof LinkedHashMap<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(e.getKey(), copy(e.getValue()));
            }
            return copy;
        }
        return tree;
    }
}
