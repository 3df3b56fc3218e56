// Two threads bump a plain int: the data race ThreadSanitizer reports.
#include <thread>

static int hits = 0;

static void hit_many() {
  for (int i = 0; i < 10000; ++i) hits++;
}

int main() {
  std::thread a(hit_many);
  std::thread b(hit_many);
  a.join();
  b.join();
  return hits > 0 ? 0 : 1;
}
