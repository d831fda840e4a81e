// Model solution for "Message" (evalkit): at most 66 packets for S <= 1024.
//
// Idea.  Let s_0 < s_1 < ... < s_15 be the 16 safe columns (C[i] = 0) and let
// d_k = (s_{k+1} - s_k) mod 31 (indices of s cyclic), so 1 <= d_k <= 16 and
// sum d_k = 31.  Aisha writes d_k in unary into column s_k: zeros in packets
// 0 .. d_k - 2 and a one in packet d_k - 1.  Every other safe bit carries the
// payload "M, then a single 1, then zeros", column-major within each packet.
// Capacity with K packets: 16K - 31 bits, so K = max(16, ceil((S + 32) / 16))
// packets suffice; for S = 1024 that is exactly 66.
//
// Basma reads every column's unary header: column j "points" to
// (j + d_j) mod 31.  The safe columns form a cycle of length exactly 16.  Any
// cycle through a safe column stays among safe columns, and only 15 columns
// are controlled, so this is the only cycle of length 16: Basma finds it,
// obtains C, and reads the payload in the same order Aisha wrote it.
#include <cstddef>
#include <vector>

#include "message.h"

namespace {

constexpr int kBits = 31;
constexpr int kSafe = 16;

}  // namespace

void send_message(std::vector<bool> M, std::vector<bool> C) {
    std::vector<int> safe;
    for (int i = 0; i < kBits; ++i)
        if (!C[i]) safe.push_back(i);

    const int S = static_cast<int>(M.size());
    int K = (S + 32 + kSafe - 1) / kSafe;
    if (K < kSafe) K = kSafe;

    std::vector<int> dist(kSafe);
    for (int k = 0; k < kSafe; ++k)
        dist[k] = (safe[(k + 1) % kSafe] - safe[k] + kBits) % kBits;

    // Payload: M, a terminating 1, zero padding.
    std::vector<bool> payload(M);
    payload.push_back(true);
    std::size_t next = 0;

    for (int p = 0; p < K; ++p) {
        std::vector<bool> A(kBits, false);
        for (int k = 0; k < kSafe; ++k) {
            if (p < dist[k])
                A[safe[k]] = (p == dist[k] - 1);
            else
                A[safe[k]] = next < payload.size() ? static_cast<bool>(payload[next++]) : false;
        }
        send_packet(A);
    }
}

std::vector<bool> receive_message(std::vector<std::vector<bool>> R) {
    const int K = static_cast<int>(R.size());
    std::vector<int> dist(kBits, 0);  // 0 = no valid header
    for (int j = 0; j < kBits; ++j) {
        for (int p = 0; p < K && p < kSafe; ++p) {
            if (R[p][j]) {
                dist[j] = p + 1;
                break;
            }
        }
    }

    std::vector<bool> is_safe(kBits, false);
    for (int start = 0; start < kBits; ++start) {
        int cur = start, steps = 0;
        std::vector<bool> seen(kBits, false);
        while (dist[cur] != 0 && !seen[cur] && steps <= kSafe) {
            seen[cur] = true;
            cur = (cur + dist[cur]) % kBits;
            ++steps;
        }
        if (cur == start && steps == kSafe) {
            for (int j = 0; j < kBits; ++j) is_safe[j] = seen[j];
            break;
        }
    }

    std::vector<bool> payload;
    for (int p = 0; p < K; ++p)
        for (int j = 0; j < kBits; ++j)
            if (is_safe[j] && p >= dist[j]) payload.push_back(R[p][j]);

    // Strip the zero padding and the terminating 1.
    while (!payload.empty() && !payload.back()) payload.pop_back();
    if (!payload.empty()) payload.pop_back();
    return payload;
}
