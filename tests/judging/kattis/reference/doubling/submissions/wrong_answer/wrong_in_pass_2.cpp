#include <cstdio>
int main() { long n; std::scanf("%ld", &n); std::printf("%ld\n", (n == 5 || n == 100) ? 2 * n : n); }
