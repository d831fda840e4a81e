#include <cstdlib>
#include <cstring>
int main() {
    // 1 GiB, touched, against a 256 MiB limit.
    for (int i = 0; i < 64; i++) { char* p = (char*)malloc(16 << 20); memset(p, 1, 16 << 20); }
    return 0;
}
