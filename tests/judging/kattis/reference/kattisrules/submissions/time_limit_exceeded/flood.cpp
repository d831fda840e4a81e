#include <cstdio>
// Writes forever: problemtools and DOMjudge both let it run into the time limit.
int main() { for (;;) std::fputs("Hello World! Hello World! Hello World!\n", stdout); }
