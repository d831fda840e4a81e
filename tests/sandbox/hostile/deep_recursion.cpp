// 2,000,000 frames of ~64 bytes: ~128 MiB of stack, legal under a 256 MiB limit
// because IOI lets the stack use the whole memory limit.
#include <cstdio>
int depth(int n) { volatile char pad[32]; pad[0] = (char)n; return n == 0 ? pad[0] : depth(n - 1) + 1; }
int main() { printf("%d\n", depth(2000000)); return 0; }
