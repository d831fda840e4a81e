// Dereferences a null pointer: runtime error on every test (0 points).
#include "aplusb.h"

int sum(int A, int B) {
    volatile int* p = nullptr;
    *p = A;
    return A + B + *p;
}
