package org.kernellib.mp.pool;

import java.time.Duration;
import java.time.Instant;

/**
 * One chunk of work as a worker ran it, for a Gantt chart of a pool's activity.
 *
 * @param callId the pool call (map, apply, ...) it belonged to, numbered from 1 per pool
 * @param call a label of the call, such as {@code "map"} or {@code "imapUnordered"}
 * @param chunk the chunk's index within the call
 * @param items how many items the chunk held
 * @param worker the worker's name
 * @param pid the worker's pid
 * @param start when the worker began the chunk (worker clock; the same host clock as here)
 * @param end when the worker finished it
 * @param startOffset {@code start} relative to the pool's creation
 * @param endOffset {@code end} relative to the pool's creation
 * @param ok whether every item of the chunk succeeded
 */
public record TimelineEntry(int callId, String call, int chunk, int items, String worker, long pid,
        Instant start, Instant end, Duration startOffset, Duration endOffset, boolean ok) {
}
