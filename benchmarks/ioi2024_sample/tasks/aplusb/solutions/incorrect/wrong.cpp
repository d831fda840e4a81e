// Always off by one: expected 0 points.
#include "aplusb.h"

int sum(int A, int B) {
    return A + B + 1;
}
