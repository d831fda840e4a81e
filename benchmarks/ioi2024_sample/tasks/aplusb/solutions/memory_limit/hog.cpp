// Allocates and touches about 3 GiB (the memory limit is 2 GiB), then returns
// the correct answer: memory limit exceeded on every test (0 points).
// Under an address-space limit (ulimit -v) malloc fails near 2 GiB and the
// program aborts (runtime error); on hosts where page faults are slow it may
// hit the 1 s CPU limit before the memory limit.  Any of these gives 0.
#include <cstdlib>

#include "aplusb.h"

int sum(int A, int B) {
    const size_t kChunk = size_t(64) << 20;  // 64 MiB
    const int kChunks = 48;                  // 48 * 64 MiB = 3 GiB
    unsigned long long checksum = 0;
    for (int i = 0; i < kChunks; ++i) {
        // volatile writes: every page really gets touched (no elision).
        volatile char* chunk = static_cast<volatile char*>(std::malloc(kChunk));
        if (chunk == nullptr) std::abort();  // address-space limit hit
        for (size_t off = 0; off < kChunk; off += 4096) chunk[off] = static_cast<char>(i + 1);
        checksum += static_cast<unsigned char>(chunk[kChunk / 2]);
    }
    return A + B + (checksum == 0 ? 1 : 0);  // checksum is never 0
}
