// Incorrect solution for "Message": ignores C and always uses bits 0..15 of
// each packet for the message (16 bits per packet).  Whenever Cleopatra
// controls one of those bits and changes it, Basma decodes a wrong message:
// expected 0 points.
#include <cstddef>
#include <vector>

#include "message.h"

void send_message(std::vector<bool> M, std::vector<bool> C) {
    (void)C;
    std::vector<bool> payload(M);
    payload.push_back(true);
    while (payload.size() % 16 != 0) payload.push_back(false);
    for (std::size_t next = 0; next < payload.size(); next += 16) {
        std::vector<bool> A(31, false);
        for (int i = 0; i < 16; ++i) A[i] = payload[next + i];
        send_packet(A);
    }
}

std::vector<bool> receive_message(std::vector<std::vector<bool>> R) {
    std::vector<bool> payload;
    for (const auto& packet : R)
        for (int i = 0; i < 16; ++i) payload.push_back(packet[i]);
    while (!payload.empty() && !payload.back()) payload.pop_back();
    if (!payload.empty()) payload.pop_back();
    return payload;
}
