#include <cstdio>
int main() { long n; std::scanf("%ld", &n); std::printf("%ld\n", 2 * n); }
