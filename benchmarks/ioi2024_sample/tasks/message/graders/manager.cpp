// manager.cpp -- trusted manager for "Message" (IOI 2024 Day 1), evalkit
// version.  Communication task with 2 user processes:
//     process 0 = Aisha (send_message), process 1 = Basma (receive_message).
//
// Build (in graders/):  g++ -std=gnu++17 -O2 -pipe -o manager manager.cpp
// Run:  ./manager u0_to_m m_to_u0 u1_to_m m_to_u1   < test.in
//   stdout: outcome in [0, 1] (first line); stderr: one-line message.
//   Exit code 0 for every verdict; non-zero only for a broken test file.
//
// Input (.in): T, then T scenarios "S / M[0..S-1] / C[0..30]".  The .out files
// are placeholders and are not read.
//
// FIFO opening order (must match graders/stub.cpp): for process 0 and then
// process 1, the manager opens the "to user" FIFO (m_to_u<i>) for writing and
// THEN the "from user" FIFO (u<i>_to_m) for reading; the stub opens m_to_u<i>
// for reading first and u<i>_to_m for writing second.  If a user process dies
// before opening its FIFOs, a watchdog alarm ends the manager with outcome 0.
//
// Protocol: see the comment at the top of graders/stub.cpp.  Flow:
//   1. Aisha phase: for every scenario in input order, the manager sends
//      (M, C) to Aisha and answers each send_packet call with the packet
//      tainted by Cleopatra (below), until Aisha reports that send_message
//      returned.  At most 100 send_packet calls per send_message.
//   2. Basma phase: for every scenario, in a deterministic pseudo-random order
//      (the statement says the order of receive_message calls may differ),
//      the manager sends Basma the tainted packets of that scenario and checks
//      that receive_message returns exactly M.
//   3. Outcome: with Q = the maximum number of send_packet calls in one
//      send_message over the test, 1 if Q <= 66, else 0.95^(Q - 66).  Any
//      protocol violation, wrong message, or dead user process: 0.
//
// Cleopatra is adaptive but deterministic: the pseudo-random generator is
// seeded from a hash of the test file and the scenario index, so sending the
// same packets always yields the same tainted packets.  Scenarios cycle
// through several strategies (see Cleopatra::Strategy), including ones that
// forge plausible-looking structure in the controlled bits.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kBits = 31;             // bits per packet
constexpr int kControlled = 15;       // bits controlled by Cleopatra
constexpr int kMaxCalls = 100;        // send_packet calls per send_message
constexpr int kFullScoreCalls = 66;   // Q <= 66 -> full score
constexpr double kDecay = 0.95;       // X = 0.95^(Q - 66)
constexpr int kMaxScenarios = 2100;   // send_message calls per test
constexpr int kMaxS = 1024;
constexpr unsigned kOpenTimeoutSeconds = 10;

// ---------------------------------------------------------------- verdicts

[[noreturn]] void finish(double outcome, const std::string& message) {
    std::printf("%.10g\n", outcome);
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", message.c_str());
    std::fflush(stderr);
    std::exit(0);
}

[[noreturn]] void protocol_violation(const std::string& what) {
    finish(0, "Protocol violation: " + what);
}

[[noreturn]] void wrong_answer(const std::string& what) {
    finish(0, "Wrong answer: " + what);
}

// The test file itself is broken: not the contestant's fault.
[[noreturn]] void judge_failure(const std::string& what) {
    std::fprintf(stderr, "Judge failure: %s\n", what.c_str());
    std::exit(1);
}

void on_open_timeout(int) {
    static const char out[] = "0\n";
    static const char err[] = "Protocol violation: a contestant process did not open its FIFOs "
                              "(it probably died at start-up)\n";
    ssize_t ignored = write(STDOUT_FILENO, out, sizeof out - 1);
    ignored = write(STDERR_FILENO, err, sizeof err - 1);
    (void)ignored;
    _exit(0);
}

// ---------------------------------------------------------------- random

// splitmix64: small, deterministic, good enough for an adversary.
struct Rng {
    uint64_t state;
    explicit Rng(uint64_t seed) : state(seed) {}
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    int bit() { return static_cast<int>(next() >> 63); }
    uint64_t below(uint64_t n) { return next() % n; }
};

uint64_t fnv1a(const std::string& data) {
    uint64_t h = 0xCBF29CE484222325ULL;
    for (unsigned char c : data) {
        h ^= c;
        h *= 0x100000001B3ULL;
    }
    return h;
}

// ---------------------------------------------------------------- Cleopatra

// Packets are stored as 31-bit masks: bit i of the mask = packet[i].
using Packet = uint32_t;

class Cleopatra {
public:
    enum Strategy {
        kAlternate,  // k-th controlled index gets k % 2 (the sample grader)
        kFlip,       // controlled bits are the complement of what Aisha sent
        kZeros,      // controlled bits are all 0
        kOnes,       // controlled bits are all 1
        kRandom,     // controlled bits are pseudo-random
        kMimic,      // each controlled bit copies a (fixed) distinct safe bit
        kFakeCycle,  // controlled columns start with a forged "unary distance"
                     // header linking them into a 15-cycle, then random bits
        kFakeTree,   // as kFakeCycle, but each controlled column points to the
                     // next safe column (looks like part of the safe cycle)
        kMixed,      // every packet uses one of the strategies above, at random
        kNumStrategies
    };

    Cleopatra(const std::vector<int>& C, int strategy, uint64_t seed)
        : strategy_(strategy), rng_(seed) {
        for (int i = 0; i < kBits; ++i) (C[i] ? controlled_ : safe_).push_back(i);
        // kMimic: a random injection controlled -> safe.
        std::vector<int> pool = safe_;
        for (int i = static_cast<int>(pool.size()) - 1; i > 0; --i)
            std::swap(pool[i], pool[rng_.below(i + 1)]);
        for (int k = 0; k < kControlled; ++k) mimic_source_[controlled_[k]] = pool[k];
        // kFakeCycle / kFakeTree: forged header lengths (1..17).
        for (int k = 0; k < kControlled; ++k) {
            int c = controlled_[k];
            int to_ctrl = controlled_[(k + 1) % kControlled];
            cycle_dist_[c] = (to_ctrl - c + kBits - 1) % kBits + 1;
            int to_safe = c;
            do to_safe = (to_safe + 1) % kBits; while (C[to_safe]);
            tree_dist_[c] = (to_safe - c + kBits) % kBits;
        }
    }

    Packet taint(Packet a) {
        int s = strategy_;
        if (s == kMixed) s = static_cast<int>(rng_.below(kMixed));
        Packet b = a;
        for (int k = 0; k < kControlled; ++k) {
            int c = controlled_[k];
            int v = 0;
            switch (s) {
                case kAlternate: v = k & 1; break;
                case kFlip: v = !((a >> c) & 1); break;
                case kZeros: v = 0; break;
                case kOnes: v = 1; break;
                case kRandom: v = rng_.bit(); break;
                case kMimic: v = (a >> mimic_source_[c]) & 1; break;
                case kFakeCycle: v = forged_header(cycle_dist_[c]); break;
                case kFakeTree: v = forged_header(tree_dist_[c]); break;
                default: v = rng_.bit(); break;
            }
            b = (b & ~(Packet(1) << c)) | (Packet(v) << c);
        }
        ++packet_;
        return b;
    }

private:
    // Column header "d-1 zeros, then a one" in the first packets; random after.
    int forged_header(int d) {
        if (packet_ < d - 1) return 0;
        if (packet_ == d - 1) return 1;
        return rng_.bit();
    }

    int strategy_;
    Rng rng_;
    int packet_ = 0;
    std::vector<int> controlled_, safe_;
    int mimic_source_[kBits] = {};
    int cycle_dist_[kBits] = {};
    int tree_dist_[kBits] = {};
};

// ---------------------------------------------------------------- input

struct Scenario {
    std::vector<int> M;
    std::vector<int> C;
    std::vector<Packet> tainted;  // packets as received by Basma
};

class InputParser {
public:
    explicit InputParser(const std::string& text) : text_(text) {}
    long long next(const char* what) {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        size_t start = pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        if (start == pos_ || pos_ - start > 9) judge_failure(std::string("input: bad ") + what);
        return std::stoll(text_.substr(start, pos_ - start));
    }
    bool only_space_left() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        return pos_ == text_.size();
    }

private:
    const std::string& text_;
    size_t pos_ = 0;
};

std::vector<Scenario> parse_input(const std::string& text) {
    InputParser in(text);
    long long T = in.next("T");
    if (T < 1 || T > kMaxScenarios) judge_failure("input: T out of range");
    std::vector<Scenario> scenarios(T);
    for (auto& sc : scenarios) {
        long long S = in.next("S");
        if (S < 1 || S > kMaxS) judge_failure("input: S out of range");
        for (long long i = 0; i < S; ++i) {
            long long b = in.next("M");
            if (b > 1) judge_failure("input: M bit is not 0/1");
            sc.M.push_back(static_cast<int>(b));
        }
        int ones = 0;
        for (int i = 0; i < kBits; ++i) {
            long long b = in.next("C");
            if (b > 1) judge_failure("input: C bit is not 0/1");
            sc.C.push_back(static_cast<int>(b));
            ones += static_cast<int>(b);
        }
        if (ones != kControlled) judge_failure("input: C must contain exactly 15 ones");
    }
    if (!in.only_space_left()) judge_failure("input: trailing data");
    return scenarios;
}

// ---------------------------------------------------------------- channels

// One user process: a FIFO we write to and a FIFO we read from.
class Channel {
public:
    Channel(const char* name, const char* from_user, const char* to_user) : name_(name) {
        // Order: "to user" first, then "from user" (see header comment).
        int wfd = open(to_user, O_WRONLY);
        if (wfd < 0) judge_failure(std::string("cannot open ") + to_user + ": " + std::strerror(errno));
        int rfd = open(from_user, O_RDONLY);
        if (rfd < 0) judge_failure(std::string("cannot open ") + from_user + ": " + std::strerror(errno));
        out_ = fdopen(wfd, "w");
        in_ = fdopen(rfd, "r");
        if (!out_ || !in_) judge_failure("fdopen failed");
    }
    ~Channel() { close_all(); }
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;

    void close_all() {
        if (out_) std::fclose(out_);
        if (in_) std::fclose(in_);
        out_ = in_ = nullptr;
    }

    // Reads one non-negative decimal integer; anything else is a violation.
    long long read_int(long long max_value) {
        int c = std::getc(in_);
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = std::getc(in_);
        if (c == EOF)
            protocol_violation(name_ + "'s process ended the interaction unexpectedly "
                                       "(terminated or crashed)");
        long long v = 0;
        int digits = 0;
        while (c >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            if (++digits > 12) protocol_violation("malformed data from " + name_ + "'s process");
            c = std::getc(in_);
        }
        if (digits == 0 || !(c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == EOF))
            protocol_violation("malformed data from " + name_ + "'s process");
        if (c != EOF) std::ungetc(c, in_);
        if (v > max_value) protocol_violation("malformed data from " + name_ + "'s process");
        return v;
    }

    Packet read_packet() {
        Packet p = 0;
        for (int i = 0; i < kBits; ++i)
            if (read_int(1)) p |= Packet(1) << i;
        return p;
    }

    void write(const std::string& s) {
        if (std::fwrite(s.data(), 1, s.size(), out_) != s.size() || std::fflush(out_) != 0)
            protocol_violation(name_ + "'s process ended the interaction unexpectedly "
                                       "(terminated or crashed)");
    }

private:
    std::string name_;
    FILE* out_ = nullptr;
    FILE* in_ = nullptr;
};

void append_bits(std::string& s, const std::vector<int>& bits) {
    for (int b : bits) {
        s.push_back(' ');
        s.push_back(b ? '1' : '0');
    }
}

void append_packet(std::string& s, Packet p) {
    for (int i = 0; i < kBits; ++i) {
        if (i) s.push_back(' ');
        s.push_back(((p >> i) & 1) ? '1' : '0');
    }
    s.push_back('\n');
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) judge_failure("usage: manager u0_to_m m_to_u0 u1_to_m m_to_u1 < input");
    std::signal(SIGPIPE, SIG_IGN);  // a dead user process gives EPIPE, not death

    std::string text;
    {
        char buf[1 << 16];
        size_t got;
        while ((got = std::fread(buf, 1, sizeof buf, stdin)) > 0) text.append(buf, got);
    }
    std::vector<Scenario> scenarios = parse_input(text);
    const uint64_t seed = fnv1a(text);
    const int T = static_cast<int>(scenarios.size());

    std::signal(SIGALRM, on_open_timeout);
    alarm(kOpenTimeoutSeconds);
    Channel aisha("Aisha", argv[1], argv[2]);
    Channel basma("Basma", argv[3], argv[4]);
    alarm(0);

    // ---- Aisha: one send_message call per scenario.
    int max_calls = 0;
    for (int s = 0; s < T; ++s) {
        Scenario& sc = scenarios[s];
        int strategy = static_cast<int>((seed + s) % Cleopatra::kNumStrategies);
        Cleopatra cleopatra(sc.C, strategy, Rng(seed ^ (0xD1B54A32D192ED03ULL * (s + 1))).next());

        std::string msg = "1 " + std::to_string(sc.M.size());
        append_bits(msg, sc.M);
        append_bits(msg, sc.C);
        msg.push_back('\n');
        aisha.write(msg);

        const std::string where = " (send_message call #" + std::to_string(s + 1) + ")";
        for (;;) {
            long long tag = aisha.read_int(3);
            if (tag == 2) break;  // send_message returned
            if (tag != 1) protocol_violation("unexpected message from Aisha's process" + where);
            long long n = aisha.read_int(1LL << 40);
            if (n != kBits)
                protocol_violation("send_packet called with a packet of length " + std::to_string(n) +
                                   " (must be 31)" + where);
            if (static_cast<int>(sc.tainted.size()) == kMaxCalls)
                protocol_violation("send_packet called more than 100 times" + where);
            Packet a = aisha.read_packet();
            Packet b = cleopatra.taint(a);
            sc.tainted.push_back(b);
            std::string reply;
            append_packet(reply, b);
            aisha.write(reply);
        }
        max_calls = std::max(max_calls, static_cast<int>(sc.tainted.size()));
    }
    aisha.write("0\n");
    aisha.close_all();

    // ---- Basma: one receive_message call per scenario, in shuffled order.
    std::vector<int> order(T);
    for (int s = 0; s < T; ++s) order[s] = s;
    Rng order_rng(seed ^ 0x5851F42D4C957F2DULL);
    for (int i = T - 1; i > 0; --i) std::swap(order[i], order[order_rng.below(i + 1)]);

    for (int s : order) {
        const Scenario& sc = scenarios[s];
        std::string msg = "1 " + std::to_string(sc.tainted.size()) + "\n";
        for (Packet p : sc.tainted) append_packet(msg, p);
        basma.write(msg);

        const std::string where = " (message of send_message call #" + std::to_string(s + 1) + ")";
        long long tag = basma.read_int(3);
        if (tag == 1) protocol_violation("send_packet called from receive_message" + where);
        if (tag != 3) protocol_violation("unexpected message from Basma's process" + where);
        long long len = basma.read_int(1LL << 40);
        const long long S = static_cast<long long>(sc.M.size());
        if (len != S)
            wrong_answer("receive_message returned " + std::to_string(len) + " bits, expected " +
                         std::to_string(S) + where);
        for (long long i = 0; i < S; ++i)
            if (basma.read_int(1) != sc.M[i])
                wrong_answer("receive_message returned an incorrect message, first difference at "
                             "bit " + std::to_string(i) + where);
    }
    basma.write("0\n");
    basma.close_all();

    if (max_calls <= kFullScoreCalls)
        finish(1, "Output is correct (at most " + std::to_string(max_calls) +
                      " packets per send_message)");
    double x = std::pow(kDecay, max_calls - kFullScoreCalls);
    finish(x, "Output is partially correct: up to " + std::to_string(max_calls) +
                  " packets per send_message (full score needs at most 66)");
}
