// The physical limit of patchgate's design: how fast tree-sitter alone parses Go files.
// Reads the file names from stdin (one per line), parses each with the same grammar and
// parser settings patchgate uses, and prints "files bytes seconds MB/s" on one line.
//
//   find /usr/lib/go/src -name '*.go' | build/bench/parse_throughput [--arena]
//
// By default tree-sitter allocates with malloc, as any program using it does. With --arena it
// allocates from patchgate's tree arenas (lang/tree_arena.h), one per file, as patchgate's
// analyses do per package: the floor of patchgate's own parse.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/heap.h"
#include "lang/go.h"
#include "lang/tree_arena.h"
#include "lang/tree_sitter.h"

int main(int argc, char** argv) {
  patchgate::prepare_heap();  // as patchgate does, so the two are compared on equal terms
  bool arenas = argc > 1 && std::string(argv[1]) == "--arena";
  if (argc > 2 || (argc == 2 && !arenas)) {
    std::cerr << "usage: parse_throughput [--arena] < file-list\n";
    return 2;
  }
  if (arenas && !patchgate::lang::install_tree_arenas()) {
    std::cerr << "parse_throughput: --arena: tree arenas are not available in this build (sanitizers?)\n";
    return 2;
  }
  std::vector<std::string> sources;
  std::string path;
  size_t bytes = 0;
  while (std::getline(std::cin, path)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "parse_throughput: cannot read " << path << '\n';
      return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();
    sources.push_back(text.str());
    bytes += sources.back().size();
  }
  // Reading is not parsing: the files are in memory before the clock starts.
  patchgate::lang::Parser parser(patchgate::lang::go_language());
  auto start = std::chrono::steady_clock::now();
  size_t nodes = 0;
  for (auto& source : sources) {
    if (arenas) {  // the parser must not outlive the arena its pools hold memory of
      patchgate::lang::TreeArena arena;
      patchgate::lang::TreeArena::Use use(arena);
      patchgate::lang::Parser own(patchgate::lang::go_language());
      nodes += ts_node_child_count(own.parse(std::move(source)).root());
      continue;
    }
    patchgate::lang::Tree tree = parser.parse(std::move(source));
    nodes += ts_node_child_count(tree.root());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << sources.size() << " files " << bytes << " bytes " << seconds << " s "
            << (bytes / 1e6) / seconds << " MB/s (" << nodes << " top-level nodes)\n";
  return 0;
}
