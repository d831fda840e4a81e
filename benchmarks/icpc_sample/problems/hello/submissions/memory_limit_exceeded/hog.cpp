#include <cstdio>
#include <cstdlib>
int main() {
    // The problem's memory limit is 512 MiB: touch 1 GiB, page by page.
    const size_t n = 1024UL * 1024 * 1024;
    volatile char *p = static_cast<volatile char *>(std::malloc(n));
    if (!p) return 0;
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    std::puts(p[n - 4096] ? "Hello World!" : "no");
}
