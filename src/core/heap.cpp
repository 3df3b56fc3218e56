#include "core/heap.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <thread>

namespace patchgate {
namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
// How much the main heap grows by when it must grow; the kernel hands out pages as they are
// touched, so a step that is never used costs address space only.
constexpr size_t kGrowthStep = size_t{64} << 20;
// glibc gives each thread arena heaps of this size, aligned to it (HEAP_MAX_SIZE on 64-bit).
constexpr uintptr_t kArenaHeap = uintptr_t{64} << 20;

// MADV_COLLAPSE (Linux 6.1); an older kernel answers EINVAL and nothing changes.
constexpr int kCollapse = 25;

std::thread::id main_thread;
uintptr_t main_heap_low = 0;

// True when the kernel took the advice for all of the range. ENOMEM for a hole in it still
// advises the mapped parts; nothing else can go wrong that matters here.
bool advise_huge(uintptr_t begin, uintptr_t end) {
  begin = (begin + kHugePage - 1) & ~(kHugePage - 1);
  end &= ~(kHugePage - 1);
  return end > begin && madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) == 0;
}

// glibc's main arena lies between the program's static data and the break; thread arenas are
// mappings far above. (A thread gets the main arena only when there are more threads than
// arenas, 8 per core.)
bool in_main_arena(uintptr_t at) {
  return at > reinterpret_cast<uintptr_t>(&main_heap_low) && at < reinterpret_cast<uintptr_t>(sbrk(0));
}

// Sanitizers bring their own allocator; the advice would land on memory that is not the heap.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kOwnAllocator = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kOwnAllocator = false;
#else
constexpr bool kOwnAllocator = true;
#endif
#else
constexpr bool kOwnAllocator = true;
#endif

}  // namespace

bool heap_is_glibc() { return kOwnAllocator; }

bool prepare_heap() {
  if (!kOwnAllocator) return false;
  main_thread = std::this_thread::get_id();
  mallopt(M_TOP_PAD, kGrowthStep);
  // Freed memory stays for the next package instead of going back and faulting in again, and
  // large blocks (a big file's text, a big tree's arrays) come from the advised heap too.
  mallopt(M_TRIM_THRESHOLD, 4 * kGrowthStep);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // Only whole, aligned 2 MiB stretches can be huge pages: the heap's next growth starts on a
  // boundary (glibc treats the skipped bytes as another program's sbrk and steps over them).
  auto brk = reinterpret_cast<uintptr_t>(sbrk(0));
  auto aligned = (brk + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > brk) sbrk(static_cast<intptr_t>(aligned - brk));
  main_heap_low = aligned;
  // More than the heap has left: it grows now, by the step, and the advice covers the growth
  // (advising first would leave the growth a separate mapping without it).
  void* volatile growth = std::malloc(1 << 20);  // volatile: the pair must not be optimised away
  std::free(growth);
  bool advised = advise_heap();
  // Growing wrote a header at its start before the advice, so that first 2 MiB took a small
  // page; one call copies it into a huge page instead of faulting in the other 511.
  madvise(reinterpret_cast<void*>(main_heap_low), kHugePage, kCollapse);
  return advised;
}

bool advise_heap() {
  if (!kOwnAllocator || main_heap_low == 0) return false;
  // A block from the calling thread's arena says where that arena's heap is.
  void* probe = std::malloc(1);
  auto at = reinterpret_cast<uintptr_t>(probe);
  bool advised = false;
  if (std::this_thread::get_id() == main_thread || in_main_arena(at)) {
    advised = advise_huge(main_heap_low, reinterpret_cast<uintptr_t>(sbrk(0)));
  } else {
    uintptr_t heap = at & ~(kArenaHeap - 1);
    advised = advise_huge(heap, heap + kArenaHeap);
    // The same for a heap glibc has just made: its header was written before the advice.
    madvise(reinterpret_cast<void*>(heap), kHugePage, kCollapse);
  }
  std::free(probe);
  return advised;
}

}  // namespace patchgate
