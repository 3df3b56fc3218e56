#pragma once

namespace patchgate {

// Page faults are most of a short run's cost on small virtual machines: a `check --staged`
// touches some 25 MB of heap, a 4 KiB fault at a time, and each fault is a trip through the
// hypervisor. These ask glibc's allocator for memory in large steps, keep what it was given,
// and let the kernel back it with 2 MiB pages (transparent huge pages in `madvise` mode, the
// Debian default). Only speed changes; a kernel or allocator that ignores the advice is fine.

// Once, first thing in main(), before anything allocates much. True when the kernel took the
// advice (false under sanitizers, which bring their own allocator, or without THP support).
bool prepare_heap();

// False in sanitizer builds: their allocator replaces glibc's, and nothing is advised.
bool heap_is_glibc();

// The calling thread's current malloc heap, again: after a worker thread's first allocation
// (glibc gives it a heap of its own) and whenever a long run may have grown a new one.
bool advise_heap();

}  // namespace patchgate
