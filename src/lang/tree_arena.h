#pragma once

#include <cstddef>

namespace patchgate::lang {

// Tree-sitter allocates each node of a tree on its own (13 million malloc calls over the Go
// standard library), and deleting a tree walks and frees every node again. A package's trees
// all die together when its analysis ends, so their memory is taken from a bump arena instead:
// an allocation is a pointer increment, a free is nothing, and the whole arena is reset at once.
//
// Once, first thing in main() (before tree-sitter allocates anything): routes tree-sitter's
// allocations through the arenas. False, and nothing changes, when the address space cannot be
// reserved, or under a sanitizer other than AddressSanitizer (its allocator must see every
// block). Under AddressSanitizer they poison what is not live (see tree_arena.cpp). Idempotent.
bool install_tree_arenas();

// Is p memory of an arena whose blocks all came from it? Such trees are not deleted node by node
// (lang::Tree skips it); false for an arena that ran out and continued in malloc.
bool in_tree_arena(const void* p);

// One package analysis's tree memory. Everything tree-sitter allocates on a thread while a Use
// of the arena is alive (parsers, trees, cursors) comes from it, and must be gone before the
// arena is: destroying the arena reuses the memory. Without installed arenas, or when every
// arena is taken, allocations go to malloc as usual.
class TreeArena {
 public:
  TreeArena();
  ~TreeArena();
  TreeArena(const TreeArena&) = delete;
  TreeArena& operator=(const TreeArena&) = delete;

  // While alive, this thread's tree-sitter allocations come from the arena (the one before is
  // restored after). One thread uses an arena at a time.
  class Use {
   public:
    explicit Use(TreeArena& arena);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    void* previous_;
  };

  // Bytes handed out since the arena was taken (tests; PATCHGATE_TIMINGS).
  size_t used() const;

 private:
  int slot_ = -1;  // -1: no arena (allocations go to malloc)
};

}  // namespace patchgate::lang
