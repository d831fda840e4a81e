#include <cstdio>
#include <cstring>
#include <cstdlib>
int main() {
    // The problem's memory limit is 512 MiB: touch 1 GiB.
    size_t n = 1024UL * 1024 * 1024;
    char *p = static_cast<char *>(std::malloc(n));
    if (p) std::memset(p, 1, n);
    std::puts(p && p[n - 1] ? "Hello World!" : "no");
}
