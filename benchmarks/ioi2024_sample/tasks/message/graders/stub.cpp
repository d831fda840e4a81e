// stub.cpp -- contestant-side stub for "Message" (evalkit), compiled with the
// contestant's message.cpp:
//     g++ -DEVAL -std=gnu++17 -O2 -pipe -static -s -o message stub.cpp message.cpp
//
// The judge starts the program twice (Communication task, 2 processes), with
// the manager's FIFOs as stdin/stdout (std_io, as CMS's TPS loader sets it):
//     ./message 0     -> Aisha (calls send_message)
//     ./message 1     -> Basma (calls receive_message)
// or with the FIFO paths on argv (fifo_io):
//     ./message <m_to_u0> <u0_to_m> 0 ;  ./message <m_to_u1> <u1_to_m> 1
//
// FIFO opening order (must match graders/manager.cpp, or both sides block):
//   the stub opens argv[1] (manager -> user) for reading FIRST, then argv[2]
//   (user -> manager) for writing.  The manager opens, for each process in
//   turn, the "to user" FIFO for writing first and the "from user" FIFO for
//   reading second, so the two open() calls always pair up.
//
// Protocol: whitespace-separated decimal integers, one message per line.
//   manager -> Aisha : "1 S M[0..S-1] C[0..30]"  run send_message(M, C)
//                      "0"                        no more scenarios, exit
//   Aisha -> manager : "1 31 A[0..30]"            a send_packet(A) call;
//                                                 the manager answers with
//                      (manager -> Aisha) "B[0..30]", the tainted packet
//                      "1 n"                      send_packet with a packet of
//                                                 length n != 31 (violation)
//                      "2"                        send_message returned
//   manager -> Basma : "1 K" then K lines "R[k][0..30]"
//                                                 run receive_message(R)
//                      "0"                        no more calls, exit
//   Basma -> manager : "3 L D[0..L-1]"            receive_message returned D
//                      "1 n ..."                  send_packet called by Basma
//                                                 (violation)
// If the manager closes its side (end of interaction or protocol violation),
// the stub exits quietly with status 0; the manager's verdict decides.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "message.h"

namespace {

FILE* g_from_manager = nullptr;
FILE* g_to_manager = nullptr;
int g_role = -1;  // 0 = Aisha, 1 = Basma

[[noreturn]] void quiet_exit() {
    std::_Exit(0);
}

int read_int() {
    int x;
    if (std::fscanf(g_from_manager, "%d", &x) != 1) quiet_exit();
    return x;
}

std::vector<bool> read_bits(int n) {
    std::vector<bool> v(n);
    for (int i = 0; i < n; ++i) v[i] = read_int() != 0;
    return v;
}

void write_line(const std::string& s) {
    if (std::fwrite(s.data(), 1, s.size(), g_to_manager) != s.size()) quiet_exit();
    if (std::fflush(g_to_manager) != 0) quiet_exit();
}

std::string encode(int tag, const std::vector<bool>& bits, bool with_bits) {
    std::string s = std::to_string(tag) + " " + std::to_string(bits.size());
    if (with_bits) {
        s.reserve(s.size() + 2 * bits.size() + 1);
        for (bool b : bits) {
            s.push_back(' ');
            s.push_back(b ? '1' : '0');
        }
    }
    s.push_back('\n');
    return s;
}

void run_aisha() {
    for (;;) {
        int tag = read_int();
        if (tag != 1) return;
        int S = read_int();
        if (S < 0) quiet_exit();
        std::vector<bool> M = read_bits(S);
        std::vector<bool> C = read_bits(31);
        send_message(M, C);
        write_line("2\n");
    }
}

void run_basma() {
    for (;;) {
        int tag = read_int();
        if (tag != 1) return;
        int K = read_int();
        if (K < 0) quiet_exit();
        std::vector<std::vector<bool>> R(K);
        for (int k = 0; k < K; ++k) R[k] = read_bits(31);
        std::vector<bool> D = receive_message(R);
        write_line(encode(3, D, true));
    }
}

}  // namespace

std::vector<bool> send_packet(std::vector<bool> A) {
    // Only Aisha may call send_packet; the manager rejects it from Basma, and
    // it rejects packets whose length is not 31 (their bits are not sent).
    bool valid = g_role == 0 && A.size() == 31;
    write_line(encode(1, A, valid));
    if (!valid) {
        read_int();  // the manager closes the FIFO: exits here
        quiet_exit();
    }
    return read_bits(31);
}

int main(int argc, char** argv) {
    // std_io (CMS's TPS loader, the official packages): ./message <index>, the
    // manager on stdin/stdout.  fifo_io: ./message <from_manager> <to_manager> <index>.
    if (argc != 2 && argc != 4) {
        std::fprintf(stderr, "usage: %s [<from_manager_fifo> <to_manager_fifo>] <index>\n",
                     argv[0]);
        return 1;
    }
    // A write to a FIFO the manager already closed must not kill us with
    // SIGPIPE; write_line() then fails and we exit quietly.
    std::signal(SIGPIPE, SIG_IGN);
    if (argc == 4) {
        // Order matters: read side first, then write side (see the header comment).
        g_from_manager = std::fopen(argv[1], "r");
        if (!g_from_manager) return 1;
        g_to_manager = std::fopen(argv[2], "w");
        if (!g_to_manager) return 1;
    } else {
        g_from_manager = stdin;
        g_to_manager = stdout;
    }
    g_role = std::atoi(argv[argc - 1]);

    if (g_role == 0)
        run_aisha();
    else if (g_role == 1)
        run_basma();
    else
        return 1;

    std::fclose(g_to_manager);
    std::fclose(g_from_manager);
    return 0;
}
