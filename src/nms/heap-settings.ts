/**
 * V8 settings for a process whose work is many short sessions (the `nms` command sets them
 * as it starts; the benchmark's NMS process does the same, so it measures what a user runs).
 * Not applied by ReferenceNms itself: a library does not change the V8 flags of the process
 * it is loaded into.
 *
 * Allocation-site pretenuring is off: once most objects from one allocation site outlive a
 * scavenge, V8 allocates that site's objects in the old generation directly. A session's
 * objects (its call, its messages, the output kept for the operator) live a second or two,
 * long enough to outlive one scavenge and not two: pretenured, they fill the old generation,
 * and every full collection (a pause every poll in flight waits on) comes sooner. The fleet
 * threads run without it for the same reason (src/device/fleet-threads.ts).
 */
import v8 from 'node:v8';

export function applyServingHeapSettings(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
