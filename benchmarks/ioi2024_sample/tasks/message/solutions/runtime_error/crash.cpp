// Runtime error for "Message": Aisha sends one packet and then dereferences a
// null pointer, so process 0 dies with SIGSEGV: expected 0 points.
#include <cstddef>
#include <vector>

#include "message.h"

void send_message(std::vector<bool> M, std::vector<bool> C) {
    std::vector<bool> A(31, false);
    for (int i = 0; i < 31 && i < static_cast<int>(M.size()); ++i) A[i] = M[i];
    send_packet(A);
    volatile int* p = nullptr;
    *p = static_cast<int>(C.size());
}

std::vector<bool> receive_message(std::vector<std::vector<bool>> R) {
    return std::vector<bool>(R.size(), false);
}
