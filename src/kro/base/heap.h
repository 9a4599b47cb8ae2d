// Heap hygiene for long-running processes: hand freed memory back to the operating system.
// Thread-safe (the C library serialises it).
#pragma once

#include <cstddef>

namespace kro {

// Returns the allocator's free pages to the OS (glibc malloc_trim), so that memory freed after a
// burst, such as the OpenAPI document parsed while an RGD compiles, stops counting in the RSS.
// glibc keeps freed chunks in the arena of the thread that freed them, where other threads
// cannot reuse them. A no-op with other C libraries. Costs a walk over the heap (milliseconds):
// call it after rare, large operations only.
void ReleaseFreeHeap();

// Caps the number of malloc arenas (glibc M_ARENA_MAX; by default 8 per core). Each thread that
// allocates gets an arena whose freed chunks only it reuses, which in a process of a dozen
// mostly waiting threads shows up as RSS. Call once at start-up, before threads exist. A no-op
// with other C libraries.
void LimitMallocArenas(int arenas);

// Allocations of at least `bytes` get their own mapping, returned to the OS when freed (glibc
// M_MMAP_THRESHOLD). Setting it also stops glibc from raising the threshold after each large
// free, which would otherwise move later large transient buffers (response bodies of lists)
// into the heap, where their pages stay in the RSS. Call once at start-up. A no-op with other C
// libraries.
void MapLargeAllocations(size_t bytes);

}  // namespace kro
