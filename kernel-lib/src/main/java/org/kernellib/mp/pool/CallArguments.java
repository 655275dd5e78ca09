package org.kernellib.mp.pool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What {@link Pool}'s calls do with their arguments before anything is sent: a null argument
 * and a negative chunk size are refused with a message that names them, the items are read into
 * a list, and functions of several arguments are adapted to items that are arrays.
 */
final class CallArguments {
    private CallArguments() {
    }

    /** Throws a NullPointerException that names the argument and the call, as Python's TypeError would. */
    static void given(final Object value, final String argument, final String call) {
        if (value == null) {
            throw new NullPointerException("the argument '" + argument + "' of " + call + " is null");
        }
    }

    /** {@code chunksize}, or {@code byDefault} for 0; a negative size is an error, not ignored. */
    static int chunksize(final int chunksize, final int byDefault) {
        if (chunksize < 0) {
            throw new IllegalArgumentException("chunksize must be positive, or 0 for the default, not " + chunksize);
        }
        return chunksize > 0 ? chunksize : byDefault;
    }

    static List<Object> toList(final Iterable<?> items, final String call) {
        given(items, "items", call);
        List<Object> list = items instanceof Collection ? new ArrayList<>(((Collection<?>) items).size()) : new ArrayList<>();
        for (Object o : items) {
            list.add(o);
        }
        return list;
    }

    /** Each pair as an {@code Object[2]} item, for {@link Star}; a null pair is refused, naming its place. */
    static List<Object> pairs(final Iterable<? extends Map.Entry<?, ?>> pairs, final String call) {
        given(pairs, "pairs", call);
        List<Object> items = new ArrayList<>();
        for (Map.Entry<?, ?> e : pairs) {
            if (e == null) {
                throw new NullPointerException("pair #" + items.size() + " given to " + call + " is null");
            }
            items.add(new Object[] {e.getKey(), e.getValue()});
        }
        return items;
    }

    /** Each argument list as an {@code Object[]} item, for {@link Spread}; a null list is refused, naming its place. */
    static List<Object> argLists(final Iterable<? extends List<?>> argLists, final String call) {
        given(argLists, "argLists", call);
        List<Object> items = new ArrayList<>();
        for (List<?> l : argLists) {
            if (l == null) {
                throw new NullPointerException("argument list #" + items.size() + " given to " + call + " is null");
            }
            items.add(l.toArray());
        }
        return items;
    }

    /** The items an iterable gave before it threw, and what it threw (null: it ended normally). */
    record Prefix(List<Object> items, RuntimeException failure) {
    }

    /**
     * Reads {@code items} until it ends or throws: {@code imap} yields the results of the items
     * before a failure and then raises it, as Python does, instead of failing at the call.
     */
    static Prefix toPrefix(final Iterable<?> items, final String call) {
        given(items, "items", call);
        List<Object> list = new ArrayList<>();
        try {
            for (Object o : items) {
                list.add(o);
            }
        } catch (RuntimeException e) {
            return new Prefix(list, e);
        }
        return new Prefix(list, null);
    }

    /** Adapts an n-argument function to items that are {@code Object[n]}. */
    record Spread(SerializableArgsFunction<?> fn) implements SerializableFunction<Object[], Object> {
        @Override
        public Object apply(final Object[] args) throws Exception {
            return fn.apply(args);
        }
    }

    /** Adapts a two-argument function to items that are {@code Object[2]}. */
    record Star(SerializableBiFunction<Object, Object, Object> fn) implements SerializableFunction<Object[], Object> {
        @SuppressWarnings("unchecked")
        static Star of(final SerializableBiFunction<?, ?, ?> fn) {
            return new Star((SerializableBiFunction<Object, Object, Object>) fn);
        }

        @Override
        public Object apply(final Object[] args) throws Exception {
            return fn.apply(args[0], args[1]);
        }
    }
}
