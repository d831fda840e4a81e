#include <sys/mman.h>
#include <cstdio>
int main() {
    // The problem's memory limit is 512 MiB: map and touch 1 GiB.
    const size_t n = 1024UL * 1024 * 1024;
    void *m = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                   -1, 0);
    if (m == MAP_FAILED) return 0;
    volatile char *p = static_cast<volatile char *>(m);
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    std::puts(p[n - 4096] ? "Hello World!" : "no");
}
