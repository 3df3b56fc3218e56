#include "lang/tree_arena.h"

#include <sys/mman.h>
#include <tree_sitter/api.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <mutex>

#include "core/heap.h"

#if defined(__SANITIZE_ADDRESS__)
#define PATCHGATE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PATCHGATE_ASAN 1
#endif
#endif
#ifdef PATCHGATE_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace patchgate::lang {
namespace {

// Under AddressSanitizer the arenas stay on, so the sanitizer suite runs the allocator patchgate
// ships, and they tell it what is live: a block's header and rounding, a freed block and all of a
// reset arena are poisoned. That checks the arena's own copies and any read of that memory by
// instrumented code; tree-sitter's library is not instrumented, so its reads are not checked.
#ifdef PATCHGATE_ASAN
void poison(const void* p, size_t n) { ASAN_POISON_MEMORY_REGION(p, n); }
void unpoison(const void* p, size_t n) { ASAN_UNPOISON_MEMORY_REGION(p, n); }
constexpr bool kAddressSanitizer = true;
#else
void poison(const void*, size_t) {}
void unpoison(const void*, size_t) {}
constexpr bool kAddressSanitizer = false;
#endif

// One reservation of address space, cut into slots; the kernel backs a page only once it is
// touched, so an unused slot costs nothing but addresses. The largest package of the standard
// library (runtime) allocates about 95 MB while parsing; a package that outgrows its slot
// continues in malloc, and its trees are then deleted node by node.
constexpr size_t kSlots = 64;
constexpr size_t kSlotBytes = size_t{1} << 30;
constexpr size_t kKeptBytes = size_t{32} << 20;  // a multiple of 2 MiB, the huge page size
constexpr size_t kAlign = 16;
// Each block starts with its size (realloc must know how much to copy), padded to kAlign.
constexpr size_t kHeader = 16;
constexpr size_t kClasses = 16;  // freed blocks up to kClasses * kAlign bytes are reused

struct Slot {
  char* begin = nullptr;
  char* next = nullptr;  // the bump pointer
  char* end = nullptr;
  char* last = nullptr;  // the most recent block: it can grow or shrink in place
  // Freed small blocks by size class (16, 32, ... 256 bytes), linked through their first
  // bytes: a parse frees many temporaries, and reusing them keeps the arena near malloc's size.
  char* freed[kClasses] = {};
  // The slot ran out and the rest went to malloc: its trees are deleted node by node after all,
  // or the malloc'd nodes would never be freed.
  std::atomic<bool> overflowed{false};
};

char* region = nullptr;
Slot slots[kSlots];
bool taken[kSlots] = {};
std::mutex slots_lock;
thread_local Slot* current = nullptr;

bool owned(const void* p) {
  auto at = reinterpret_cast<uintptr_t>(p);
  auto base = reinterpret_cast<uintptr_t>(region);
  return region && at >= base && at < base + kSlots * kSlotBytes;
}

// A block's capacity: its size rounded up to kAlign (0 when the rounding overflows).
size_t rounded_size(size_t size) { return (size + kAlign - 1) & ~(kAlign - 1); }

// The free list a block of that capacity belongs on; nullptr for one too large to reuse.
char** free_list(Slot& slot, size_t rounded) {
  return rounded > 0 && rounded <= kClasses * kAlign ? &slot.freed[rounded / kAlign - 1] : nullptr;
}

size_t block_size(const void* p) {
  const char* header = static_cast<const char*>(p) - kHeader;
  size_t size;
  unpoison(header, kHeader);
  std::memcpy(&size, header, sizeof size);
  poison(header, kHeader);
  return size;
}

// Records a block's size in its header and marks its bytes (and no more) usable.
void shape_block(char* block, size_t size, size_t rounded) {
  unpoison(block - kHeader, kHeader);
  std::memcpy(block - kHeader, &size, sizeof size);
  poison(block - kHeader, kHeader);
  unpoison(block, size);
  poison(block + size, rounded - size);
}

void* bump(Slot& slot, size_t size) {
  size_t rounded = rounded_size(size);
  if (rounded < size) return nullptr;
  if (char** head = free_list(slot, rounded); head && *head) {
    char* block = *head;
    unpoison(block, sizeof(char*));
    std::memcpy(head, block, sizeof(char*));
    shape_block(block, size, rounded);
    return block;
  }
  if (static_cast<size_t>(slot.end - slot.next) < kHeader + rounded) return nullptr;
  char* block = slot.next + kHeader;
  shape_block(block, size, rounded);
  slot.next = block + rounded;
  slot.last = block;
  return block;
}

void* arena_malloc(size_t size) {
  if (current) {
    if (void* block = bump(*current, size)) return block;
    current->overflowed.store(true, std::memory_order_relaxed);
  }
  void* block = std::malloc(size);
  if (!block && size) std::abort();  // tree-sitter's own default: it cannot handle a failed allocation
  return block;
}

void* arena_calloc(size_t count, size_t size) {
  size_t total = count * size;
  if (size && total / size != count) std::abort();
  return std::memset(arena_malloc(total), 0, total);  // reused arena memory is not zero
}

// An arena block is done with: the newest of this thread's arena is given back to the bump
// pointer, a small one of it joins its size class's list; the rest waits for the reset (blocks
// of another thread's arena included: its lists are that thread's).
void release(void* p) {
  size_t size = block_size(p);
  poison(p, size);
  char* block = static_cast<char*>(p);
  if (!current || block < current->begin || block >= current->end) return;
  if (block == current->last) {
    current->next = block - kHeader;
    current->last = nullptr;
    return;
  }
  char** head = free_list(*current, rounded_size(size));
  if (!head) return;
  unpoison(block, sizeof(char*));
  std::memcpy(block, head, sizeof(char*));
  poison(block, sizeof(char*));
  *head = block;
}

void arena_free(void* p) {
  if (!owned(p)) return std::free(p);
  release(p);
}

void* arena_realloc(void* p, size_t size) {
  if (!p) return arena_malloc(size);
  if (!owned(p)) {  // malloc's block stays malloc's: it may outlive any arena
    void* block = std::realloc(p, size);
    if (!block && size) std::abort();
    return block;
  }
  size_t old = block_size(p);
  if (current && p == current->last) {  // the newest block grows or shrinks where it is
    size_t rounded = rounded_size(size);
    char* block = static_cast<char*>(p);
    if (rounded >= size && static_cast<size_t>(current->end - block) >= rounded) {
      if (old > size) poison(block + size, old - size);
      shape_block(block, size, rounded);
      current->next = block + rounded;
      return p;
    }
  }
  void* block = arena_malloc(size);
  std::memcpy(block, p, old < size ? old : size);
  release(p);
  return block;
}

}  // namespace

bool install_tree_arenas() {
  static const bool installed = [] {
    if (!heap_is_glibc() && !kAddressSanitizer) return false;  // another allocator that must see every block
    void* reserved = mmap(nullptr, kSlots * kSlotBytes, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserved == MAP_FAILED) return false;
    region = static_cast<char*>(reserved);
    madvise(region, kSlots * kSlotBytes, MADV_HUGEPAGE);  // a hint: fewer faults where THP is on
    for (size_t i = 0; i < kSlots; ++i) {
      slots[i].begin = slots[i].next = region + i * kSlotBytes;
      slots[i].end = slots[i].begin + kSlotBytes;
    }
    ts_set_allocator(arena_malloc, arena_calloc, arena_realloc, arena_free);
    return true;
  }();
  return installed;
}

bool in_tree_arena(const void* p) {
  if (!owned(p)) return false;
  size_t slot = static_cast<size_t>(static_cast<const char*>(p) - region) / kSlotBytes;
  return !slots[slot].overflowed.load(std::memory_order_relaxed);
}

TreeArena::TreeArena() {
  if (!region) return;
  std::lock_guard<std::mutex> hold(slots_lock);
  for (size_t i = 0; i < kSlots; ++i) {
    if (taken[i]) continue;
    taken[i] = true;
    slot_ = static_cast<int>(i);
    return;
  }
}

TreeArena::~TreeArena() {
  if (slot_ < 0) return;
  Slot& slot = slots[slot_];
  // A large package's pages go back to the kernel, or each worker would keep the largest it
  // ever had; the first kKeptBytes stay for the next package, which is usually smaller.
  poison(slot.begin, static_cast<size_t>(slot.next - slot.begin));
  if (slot.next > slot.begin + kKeptBytes) {
    char* from = slot.begin + kKeptBytes;
    madvise(from, static_cast<size_t>(slot.next - from), MADV_DONTNEED);
  }
  slot.next = slot.begin;
  slot.last = nullptr;
  std::fill(std::begin(slot.freed), std::end(slot.freed), nullptr);
  slot.overflowed.store(false, std::memory_order_relaxed);
  std::lock_guard<std::mutex> hold(slots_lock);
  taken[slot_] = false;
}

size_t TreeArena::used() const { return slot_ < 0 ? 0 : static_cast<size_t>(slots[slot_].next - slots[slot_].begin); }

TreeArena::Use::Use(TreeArena& arena) : previous_(current) {
  current = arena.slot_ < 0 ? nullptr : &slots[arena.slot_];
}

TreeArena::Use::~Use() { current = static_cast<Slot*>(previous_); }

}  // namespace patchgate::lang
