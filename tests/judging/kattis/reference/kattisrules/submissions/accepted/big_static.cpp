#include <cstdio>
// A 300 MiB initialised static array: a 300 MiB binary.  No cap on the
// compiler's output (problemtools sets none), and within the memory limit.
static char big[300 << 20] = {'H'};
int main() { std::puts(big[0] == 'H' ? "Hello World!" : "no"); }
