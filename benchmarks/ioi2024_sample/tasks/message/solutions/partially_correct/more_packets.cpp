// Partially correct solution for "Message": always correct, but uses up to
// 96 packets (31 to announce C, then 16 payload bits per packet), so
// Q = 96 > 66 on the S = 1024 tests: score 10 + 90 * 0.95^30 = 29.32.
//
// Packet k (0 <= k < 31) is all C[k]: 16 of its 31 bits are safe, so the
// majority of the received bits is C[k].  Then the payload "M, 1, zeros" is
// sent 16 bits per packet in the safe positions.
#include <cstddef>
#include <vector>

#include "message.h"

void send_message(std::vector<bool> M, std::vector<bool> C) {
    for (int k = 0; k < 31; ++k) send_packet(std::vector<bool>(31, C[k]));
    std::vector<bool> payload(M);
    payload.push_back(true);
    while (payload.size() % 16 != 0) payload.push_back(false);
    std::size_t next = 0;
    while (next < payload.size()) {
        std::vector<bool> A(31, false);
        for (int i = 0; i < 31; ++i)
            if (!C[i]) A[i] = payload[next++];
        send_packet(A);
    }
}

std::vector<bool> receive_message(std::vector<std::vector<bool>> R) {
    std::vector<bool> controlled(31);
    for (int k = 0; k < 31; ++k) {
        int ones = 0;
        for (int i = 0; i < 31; ++i) ones += R[k][i];
        controlled[k] = ones > 15;
    }
    std::vector<bool> payload;
    for (std::size_t p = 31; p < R.size(); ++p)
        for (int i = 0; i < 31; ++i)
            if (!controlled[i]) payload.push_back(R[p][i]);
    while (!payload.empty() && !payload.back()) payload.pop_back();
    if (!payload.empty()) payload.pop_back();
    return payload;
}
