#include <cstdio>
int main() {
    // The memory limit is 512 MiB; ask for 1 GiB at once.  Under the address-space
    // limit problemtools sets (RLIMIT_AS) the allocation fails: std::bad_alloc ends
    // the program (RTE) at once, however fast or loaded the machine is.
    char *volatile buf = new char[1UL << 30];
    buf[0] = 'H';
    std::puts(buf[0] == 'H' ? "Hello World!" : "no");
}
