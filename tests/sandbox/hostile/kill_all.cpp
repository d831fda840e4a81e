#include <csignal>
#include <cstdio>
int main() { kill(-1, SIGKILL); printf("survived\n"); return 0; }
