// Spins forever on the CPU: time limit exceeded on every test (0 points).
#include "aplusb.h"

int sum(int A, int B) {
    volatile unsigned long long counter = 0;
    for (;;) counter = counter + 1;
    return A + B;  // unreachable
}
