#include <cstring>
static char big[1 << 30];
int main() { memset(big, 1, sizeof big); return big[12345] == 7; }
