#include <cstdio>
int main() { for (;;) std::fputs("Hello World! Hello World! Hello World!\n", stdout); }
